package mocks

// queueOutputs are the computed outputs of the Queue offering's attribute resources (the queue
// itself, aws:sqs/queue:Queue, is in clusterOutputs). In terraform-provider-aws the queue policy
// and the redrive policy both set one attribute of a queue (SetQueueAttributes) and take the
// queue's URL as their id (internal/service/sqs/attribute_funcs.go, queueAttributeHandler.Upsert:
// d.SetId(url)). A URL that is not known yet gives the resource name.
var queueOutputs = map[string]outputFunc{
	"aws:sqs/queuePolicy:QueuePolicy":     queueAttributeID,
	"aws:sqs/redrivePolicy:RedrivePolicy": queueAttributeID,
}

func queueAttributeID(m *Mocks, r *target, h string) (string, map[string]any) {
	url, _ := r.Inputs["queueUrl"].(string)
	if url == "" || url == Unknown || url == Secret {
		return r.Name + "-" + h[:8], nil
	}
	return url, nil
}
