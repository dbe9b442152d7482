package skills

import (
	"context"
	"encoding/json"
	"fmt"
)

// Impact is estimate_impact's result.
type Impact struct {
	// DeltaCPUPerRequest is the extra CPU seconds per request.
	DeltaCPUPerRequest float64 `json:"delta_cpu_seconds_per_request"`
	// RequestsPerSecond is the request rate used; 0 when unknown.
	RequestsPerSecond float64 `json:"requests_per_second"`
	// ExtraCores and ExtraWatts are the cost at that rate; CoresPer1kRPS
	// is the cost per 1000 requests per second, known without a rate.
	ExtraCores    float64 `json:"extra_cores"`
	ExtraWatts    float64 `json:"extra_watts"`
	CoresPer1kRPS float64 `json:"cores_per_1k_rps"`
	WattsPerCore  float64 `json:"watts_per_core"`
}

type impactArgs struct {
	Service           string  `json:"service"`
	Before            float64 `json:"before"`
	After             float64 `json:"after"`
	RequestsPerSecond float64 `json:"requests_per_second"`
}

// NewEstimateImpact returns the estimate_impact skill; wattsPerCore is the
// power one busy core draws (configurable).
func NewEstimateImpact(wattsPerCore float64) Skill {
	info := Info{
		Name:        "estimate_impact",
		Description: "Estimates the extra CPU cores and watts a CPU-per-request regression costs at a request rate.",
		Schema: json.RawMessage(`{"type":"object","required":["before","after"],"properties":{
"service":{"type":"string"},
"before":{"type":"number","description":"CPU seconds per request before"},
"after":{"type":"number","description":"CPU seconds per request after"},
"requests_per_second":{"type":"number","description":"request rate; omit to get the cost per 1000 rps"}}}`),
	}
	return New(info, func(_ context.Context, in impactArgs) (Output, error) {
		if in.RequestsPerSecond < 0 {
			return Output{}, fmt.Errorf("estimate impact: negative request rate %g", in.RequestsPerSecond)
		}
		d := in.After - in.Before
		im := Impact{DeltaCPUPerRequest: d, RequestsPerSecond: in.RequestsPerSecond, WattsPerCore: wattsPerCore,
			CoresPer1kRPS: d * 1000, ExtraCores: d * in.RequestsPerSecond}
		im.ExtraWatts = im.ExtraCores * wattsPerCore
		sum := fmt.Sprintf("%+.3g CPU s/request: %.2f cores (%.0f W) per 1000 requests/s", d, im.CoresPer1kRPS, im.CoresPer1kRPS*wattsPerCore)
		if in.RequestsPerSecond > 0 {
			sum = fmt.Sprintf("%+.3g CPU s/request at %.0f requests/s: %.2f extra cores, %.0f W", d, in.RequestsPerSecond, im.ExtraCores, im.ExtraWatts)
		}
		return Output{Summary: sum, Data: im}, nil
	})
}
