package registry

import "encoding/json"

// lifecyclePolicy is the ECR lifecycle policy document.
type lifecyclePolicy struct {
	Rules []lifecycleRuleJSON `json:"rules"`
}

type lifecycleRuleJSON struct {
	RulePriority int             `json:"rulePriority"`
	Description  string          `json:"description,omitempty"`
	Selection    lifecycleSelect `json:"selection"`
	Action       lifecycleAction `json:"action"`
}

type lifecycleSelect struct {
	TagStatus     TagStatus `json:"tagStatus"`
	TagPrefixList []string  `json:"tagPrefixList,omitempty"`
	CountType     CountType `json:"countType"`
	CountUnit     string    `json:"countUnit,omitempty"`
	CountNumber   int       `json:"countNumber"`
}

type lifecycleAction struct {
	Type string `json:"type"`
}

// LifecyclePolicyJSON renders validated rules as an ECR lifecycle policy; priorities are the
// rules' positions, starting at 1.
func LifecyclePolicyJSON(rules []LifecycleRule) (string, error) {
	if err := ValidateLifecycle(rules); err != nil {
		return "", err
	}
	doc := lifecyclePolicy{Rules: make([]lifecycleRuleJSON, len(rules))}
	for i, r := range rules {
		sel := lifecycleSelect{TagStatus: r.TagStatus, TagPrefixList: r.TagPrefixes, CountType: r.CountType, CountNumber: r.CountNumber}
		if r.CountType == SinceImagePushed {
			sel.CountUnit = "days"
		}
		doc.Rules[i] = lifecycleRuleJSON{RulePriority: i + 1, Description: r.Description, Selection: sel, Action: lifecycleAction{Type: "expire"}}
	}
	b, err := json.Marshal(doc)
	return string(b), err
}
