package monitor

import (
	"bytes"
	"context"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the CloudTrail reader: it must never
// panic, every bad record must carry its index, and every emitted event an
// ID and its position.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"Records":[` + recA + `,` + recB + `]}`,
		`[` + recB + `, ` + recA + `]`,
		recA + "\n" + recB + "\n",
		`{"Records":[1,"x",` + recA + `,null,[2]]}`,
		`{"Records":[` + recA + `,` + recB[:40],
		`[{"eventSource":"s3.amazonaws.com","eventName":"X","userIdentity":"nope"}]`,
		`{"eventSource":"s","eventName":"n","eventTime":"2021-10-13 18:35:08","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/r"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		_ = Decode(context.Background(), bytes.NewReader(data), "f", func(e Event) {
			if e.ID == "" || e.File != "f" || e.Index < n {
				t.Fatalf("event %+v", e)
			}
			n = e.Index
		}, func(fe *FileError) {
			if fe.Record < 0 || fe.File != "f" {
				t.Fatalf("bad record error without position: %v", fe)
			}
		})
	})
}

// FuzzParseRecord checks that one record never panics the normaliser.
func FuzzParseRecord(f *testing.F) {
	for _, s := range []string{recA, recB, `{}`, `[]`, `{"eventSource":"a","eventName":"b","userIdentity":null,"requestParameters":[1]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ParseRecord(data)
		if err == nil && (e.ID == "" || e.Source == "" || e.Name == "" || e.Principal == "") {
			t.Fatalf("incomplete event %+v", e)
		}
	})
}
