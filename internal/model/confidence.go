package model

// Confidence says how sure a conclusion is: high when every value involved
// was resolved and named explicitly, lower when symbolic values or
// wildcards were over-approximated. The IAM engine's targets, the graph's
// edges and the rules' findings all use this one type; "" means unset.
type Confidence string

// Confidence levels.
const (
	ConfidenceHigh   Confidence = "high"
	ConfidenceMedium Confidence = "medium"
	ConfidenceLow    Confidence = "low"
)

// Rank orders confidences: low 1, medium 2, high 3; unset or unknown 0.
func (c Confidence) Rank() int {
	switch c {
	case ConfidenceLow:
		return 1
	case ConfidenceMedium:
		return 2
	case ConfidenceHigh:
		return 3
	}
	return 0
}

// Valid reports whether c is one of the three levels.
func (c Confidence) Valid() bool { return c.Rank() > 0 }

// MinConfidence returns the lower of a and b (a chain is only as sure as its
// weakest link); an unset value is ignored.
func MinConfidence(a, b Confidence) Confidence {
	switch {
	case a.Rank() == 0:
		return b
	case b.Rank() == 0:
		return a
	case b.Rank() < a.Rank():
		return b
	}
	return a
}
