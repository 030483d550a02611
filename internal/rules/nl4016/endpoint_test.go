package nl4016

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/model"
)

func TestEndpoint(t *testing.T) {
	tests := []struct {
		source string
		want   bool
	}{
		{"!GetAtt Db.Endpoint.Address", true},
		{"!GetAtt Search.DomainEndpoint", true},
		{"!GetAtt Cache.RedisEndpoint.Port", true},
		{"aws_db_instance.main.address", true},
		{"${aws_rds_cluster.main.reader_endpoint}", true},
		{"!GetAtt Cluster.DBClusterArn", false},
		{"!Ref Db", false},
		{"!Ref ReportsDb", false},
		{"aws_db_instance.main.identifier", false},
	}
	for _, tt := range tests {
		v := &model.Value{Kind: model.Symbolic, Source: tt.source}
		if got := endpoint(v); got != tt.want {
			t.Errorf("endpoint(%q) = %v, want %v", tt.source, got, tt.want)
		}
	}
}
