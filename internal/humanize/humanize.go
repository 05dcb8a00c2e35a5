// Package humanize renders quantities for people reading govm's output.
package humanize

import "fmt"

// Bytes renders a size in IEC units, "1.5 GiB", one decimal above 1 KiB.
// Powers of 1024, because govm's own limits (GOVM_MAX_UNPACK_BYTES, the
// doctor's disk thresholds) are set in them and ls -h, du -h and df -h show
// sizes on disk that way; one convention keeps `govm list`, `govm cache
// clean` and `govm doctor` comparable with each other and with those tools.
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
