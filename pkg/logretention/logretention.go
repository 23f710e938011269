// Package logretention is the one list of retention periods CloudWatch Logs accepts, for every
// component that creates a log group.
package logretention

import (
	"fmt"
	"slices"
	"strings"
)

// Days are the retention periods, in days, that CloudWatch Logs accepts for a log group, as
// pulumi-aws v6.83.4 documents them on cloudwatch.LogGroup.RetentionInDays (go/aws/cloudwatch/
// logGroup.go: "Possible values are: 1, 3, 5, ..., 3653, and 0"; a test reads that line from the
// module and keeps this list in step). 0, never expire, is accepted by AWS but refused here on
// purpose: every log group of the platform has a bounded retention.
var Days = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// Check returns an error saying what is allowed unless days is one of Days.
func Check(days int) error {
	if slices.Contains(Days, days) {
		return nil
	}
	s := make([]string, len(Days))
	for i, d := range Days {
		s[i] = fmt.Sprint(d)
	}
	return fmt.Errorf("%d is not a CloudWatch Logs retention (allowed: %s)", days, strings.Join(s, ", "))
}
