package manifests

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"

	"github.com/flowmart/platform/stacks/config"
)

var (
	// label is a lower-case DNS label without consecutive hyphens (RDS identifiers refuse "--").
	label = regexp.MustCompile(`^[a-z]([a-z0-9]|-[a-z0-9])*$`)
	// k8sName is a Kubernetes DNS label (RFC 1123), for namespaces and service accounts.
	k8sName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	// teamSlug is a GitHub team slug: lower-case letters, digits, hyphens and underscores.
	teamSlug = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
)

// validate checks what does not depend on the environment.
func (m Manifest) validate() error {
	f := m.File
	if !label.MatchString(m.Name) || len(m.Name) > MaxNameLength {
		return errorf(f, "name", "%q is not a service name (allowed: lower-case letters, digits and single hyphens, starting with a letter, at most %d characters)", m.Name, MaxNameLength)
	}
	if f != "" && baseName(f) != m.Name+".yaml" {
		return errorf(f, "name", "%q is not this file's name (allowed: the file's base name; or rename the file %s.yaml)", m.Name, m.Name)
	}
	if !teamSlug.MatchString(m.Owner) || len(m.Owner) > 100 {
		return errorf(f, "owner", "%q is not a GitHub team slug of the flowmart organization (allowed: lower-case letters, digits, - and _; CODEOWNERS gives the file to @flowmart/<owner>)", m.Owner)
	}
	if !k8sName.MatchString(m.Namespace) || len(m.Namespace) > 63 {
		return errorf(f, "namespace", "%q is not a Kubernetes namespace name (allowed: a DNS label of at most 63 characters)", m.Namespace)
	}
	if !k8sName.MatchString(m.ServiceAccount) || len(m.ServiceAccount) > 63 {
		return errorf(f, "serviceAccount", "%q is not a Kubernetes service account name (allowed: a DNS label of at most 63 characters)", m.ServiceAccount)
	}
	if err := m.validatePaging(); err != nil {
		return err
	}
	if m.Database != nil {
		if err := checkEnvs(f, "database.sizes", sortedKeys(m.Database.Sizes)); err != nil {
			return err
		}
	}
	if m.Cache != nil {
		if err := checkEnvs(f, "cache.sizes", sortedKeys(m.Cache.Sizes)); err != nil {
			return err
		}
	}
	return m.validateQueues()
}

func baseName(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' || p[i] == '\\' {
			return p[i+1:]
		}
	}
	return p
}

func checkEnvs(file, key string, envs []string) error {
	for _, e := range envs {
		if !knownEnv(e) {
			return errorf(file, key+"."+e, "unknown environment (allowed: %s)", envNames())
		}
	}
	return nil
}

func (m Manifest) validatePaging() error {
	f := m.File
	if len(m.Paging.Email)+len(m.Paging.HTTPS) == 0 {
		return errorf(f, "paging", "no subscription: the team's offerings page it (allowed: at least one paging.email address or paging.https endpoint)")
	}
	for i, e := range m.Paging.Email {
		a, err := mail.ParseAddress(e)
		if err != nil || a.Address != e {
			return errorf(f, fmt.Sprintf("paging.email[%d]", i), "%q is not an email address (allowed: name@domain, no display name)", e)
		}
	}
	for i, h := range m.Paging.HTTPS {
		u, err := url.Parse(h)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return errorf(f, fmt.Sprintf("paging.https[%d]", i), "%q is not an https URL (allowed: https://<host>/<path>; SNS sends notifications to it)", h)
		}
	}
	return nil
}

func (m Manifest) validateQueues() error {
	f := m.File
	seen := map[string]int{}
	for i, q := range m.Queues {
		key := fmt.Sprintf("queues[%d]", i)
		if !label.MatchString(q.Name) || len(q.Name) > MaxQueueNameLength {
			return errorf(f, key+".name", "%q is not a queue name (allowed: lower-case letters, digits and single hyphens, starting with a letter, at most %d characters)", q.Name, MaxQueueNameLength)
		}
		if j, dup := seen[q.Name]; dup {
			return errorf(f, key+".name", "%q is already queues[%d] (allowed: a name once per service)", q.Name, j)
		}
		seen[q.Name] = i
		if q.VisibilityTimeoutSeconds < 0 || q.VisibilityTimeoutSeconds > MaxVisibilityTimeoutSeconds {
			return errorf(f, key+".visibilityTimeoutSeconds", "%d is out of range (allowed: 0 to %d; 0 or unset takes the default)", q.VisibilityTimeoutSeconds, MaxVisibilityTimeoutSeconds)
		}
		if q.RetentionSeconds != 0 && (q.RetentionSeconds < MinRetentionSeconds || q.RetentionSeconds > MaxRetentionSeconds) {
			return errorf(f, key+".retentionSeconds", "%d is out of range (allowed: %d to %d; unset takes the default)", q.RetentionSeconds, MinRetentionSeconds, MaxRetentionSeconds)
		}
		if q.MaxReceiveCount < 0 || q.MaxReceiveCount > MaxMaxReceiveCount {
			return errorf(f, key+".maxReceiveCount", "%d is out of range (allowed: 1 to %d; unset takes the default)", q.MaxReceiveCount, MaxMaxReceiveCount)
		}
	}
	return nil
}

// Resolve validates every manifest for env and checks what spans them: one service per
// namespace/serviceAccount pair (a Pod Identity association names one role per pair).
func Resolve(ms []Manifest, env config.Environment) ([]*Sized, error) {
	out := make([]*Sized, 0, len(ms))
	owners := map[string]string{}
	for _, m := range ms {
		s, err := m.For(env)
		if err != nil {
			return nil, err
		}
		pair := s.Namespace + "/" + s.ServiceAccount
		if other, dup := owners[pair]; dup {
			return nil, errorf(s.File, "serviceAccount", "%s is already %s's (allowed: one service per namespace and service account)", pair, other)
		}
		owners[pair] = s.File
		out = append(out, s)
	}
	return out, nil
}
