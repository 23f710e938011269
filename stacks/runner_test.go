package stacks

import (
	"fmt"
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/preview"
	"github.com/flowmart/platform/stacks/config"
)

// Every stack's AWS layer has its runner, <stack>-runner: the CodeBuild project
// flowmart-runner-<stack> for flowmart/platform through the stack file's connection, in the
// network's private subnets with the runner's own security group, admitted by the cluster
// security group on 443; build logs kept per environment, the log key protected in production
// only; its project name and runs-on label exported; no access entry for its service role; and
// nothing of it in the services layer.
func TestRunnerPerEnvironment(t *testing.T) {
	retention := map[string]float64{"dev": 30, "staging": 90, "production": 365}
	for _, env := range envs {
		doc, _ := previewJSON(t, env)
		name := env + "-runner"
		comp := layerGet(doc, AWSLayer, "flowmart:ci:Runner", name)
		if comp == nil {
			t.Fatalf("%s: no runner %s in the AWS layer", env, name)
		}
		for _, r := range doc.LayerOf(string(ServicesLayer)) {
			if r.Type == "flowmart:ci:Runner" || strings.HasPrefix(r.Type, "aws:codebuild/") {
				t.Errorf("%s: %s %s is in the services layer", env, r.Type, r.Name)
			}
		}
		if comp.Parent != "" && !strings.HasSuffix(comp.Parent, "pulumi:pulumi:Stack::flowmart-platform-"+env) {
			t.Errorf("%s: runner parent %s, want the stack", env, comp.Parent)
		}
		project := doc.Get("aws:codebuild/project:Project", name)
		if project == nil || project.Parent != comp.URN {
			t.Fatalf("%s: project %+v", env, project)
		}
		projectName := config.RunnerProjectName(env)
		if project.Inputs["name"] != projectName || projectName != "flowmart-runner-"+env {
			t.Errorf("%s: project name %v", env, project.Inputs["name"])
		}
		src, _ := project.Inputs["source"].(map[string]any)
		auth, _ := src["auth"].(map[string]any)
		if src["location"] != "https://github.com/flowmart/platform" || auth["type"] != "CODECONNECTIONS" || !strings.HasPrefix(fmt.Sprint(auth["resource"]), "arn:aws:codeconnections:eu-west-1:") {
			t.Errorf("%s: source %v", env, src)
		}
		vpc, _ := project.Inputs["vpcConfig"].(map[string]any)
		if fmt.Sprint(vpc["subnets"]) != fmt.Sprint(doc.Outputs["privateSubnetIds"]) || fmt.Sprint(vpc["vpcId"]) != fmt.Sprint(doc.Outputs["vpcId"]) {
			t.Errorf("%s: runner in %v of %v, want the private subnets %v of %v", env, vpc["subnets"], vpc["vpcId"], doc.Outputs["privateSubnetIds"], doc.Outputs["vpcId"])
		}
		egress := doc.Get("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", name+"-egress-vpc")
		if egress == nil || fmt.Sprint(egress.Inputs["cidrIpv4"]) != fmt.Sprint(doc.Outputs["vpcCidr"]) {
			t.Fatalf("%s: egress to the VPC %+v, want %v", env, egress, doc.Outputs["vpcCidr"])
		}
		// the project's one security group is the runner's own (the one its egress rules are on)
		if fmt.Sprint(vpc["securityGroupIds"]) != fmt.Sprint([]any{egress.Inputs["securityGroupId"]}) {
			t.Errorf("%s: security groups %v, want the runner's %v", env, vpc["securityGroupIds"], egress.Inputs["securityGroupId"])
		}
		// the cluster security group, as the VPN's rule to the API names it (both are the
		// cluster's ClusterSecurityGroupID)
		api := doc.Get("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name+"-cluster-api")
		vpnAPI := doc.Get("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", env+"-vpn-cluster-api")
		if api == nil || vpnAPI == nil || api.Inputs["securityGroupId"] != vpnAPI.Inputs["securityGroupId"] || api.Inputs["fromPort"] != float64(443) || api.Inputs["referencedSecurityGroupId"] != egress.Inputs["securityGroupId"] {
			t.Errorf("%s: cluster API rule %+v (the VPN's %+v)", env, api, vpnAPI)
		}
		logs := doc.Get("aws:cloudwatch/logGroup:LogGroup", name+"-logs")
		if logs == nil || logs.Inputs["retentionInDays"] != retention[env] || logs.Inputs["name"] != "/aws/codebuild/"+projectName {
			t.Errorf("%s: log group %+v, want %v days", env, logs, retention[env])
		}
		key := doc.Get("aws:kms/key:Key", name+"-logs")
		if key == nil || key.Protect != (env == "production") {
			t.Errorf("%s: log key %+v, protected only in production", env, key)
		}
		if doc.Outputs["runnerProjectName"] != projectName || doc.Outputs["runnerLabel"] != "codebuild-"+projectName {
			t.Errorf("%s: outputs runnerProjectName %v runnerLabel %v", env, doc.Outputs["runnerProjectName"], doc.Outputs["runnerLabel"])
		}
		for _, e := range doc.Find("aws:eks/accessEntry:AccessEntry") {
			if strings.Contains(e.Name, "runner") || strings.Contains(fmt.Sprint(e.Inputs["principalArn"]), "runner") {
				t.Errorf("%s: access entry %s for the runner (%v)", env, e.Name, e.Inputs["principalArn"])
			}
		}
	}
}

// runner.enabled false: no runner, no CodeBuild resource, no runner outputs.
func TestRunnerDisabled(t *testing.T) {
	o := offlineOptions(t, "dev")
	o.Config[config.Project+":"+config.KeyRunner] = `{"enabled":false}`
	doc, err := preview.Run(RunAWS, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range doc.Resources {
		if r.Type == "flowmart:ci:Runner" || strings.HasPrefix(r.Type, "aws:codebuild/") {
			t.Errorf("%s %s with the runner disabled", r.Type, r.Name)
		}
	}
	for _, k := range []string{"runnerProjectName", "runnerLabel"} {
		if _, ok := doc.Outputs[k]; ok {
			t.Errorf("output %s with the runner disabled", k)
		}
	}
}
