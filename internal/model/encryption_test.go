package model

import "testing"

func TestStoreProviderAndEncryptionWords(t *testing.T) {
	tests := []struct {
		typ  string
		kind EncryptionKind
		want Provider
		says string
	}{
		{"AWS::S3::Bucket", EncryptionAWSOwned, AWS, "aws-owned"},
		{"aws_sqs_queue", EncryptionAWSManaged, AWS, "aws-managed"},
		{"azurerm_storage_account", EncryptionAWSOwned, Azure, "microsoft-managed"},
		{"Microsoft.Storage/storageAccounts", EncryptionAWSOwned, Azure, "microsoft-managed"},
		{"azure:cosmosdb", EncryptionAWSOwned, Azure, "microsoft-managed"},
		{"google_storage_bucket", EncryptionAWSOwned, Google, "google-managed"},
		{"google:firestore", EncryptionAWSOwned, Google, "google-managed"},
		{"openwhisk:cloudant", EncryptionAWSOwned, OpenWhisk, "provider default"},
		{"google_storage_bucket", EncryptionCustomer, Google, "customer"},
		{"something", EncryptionUnknown, "", "unknown"},
		{"something", EncryptionNone, "", "none"},
	}
	for _, tc := range tests {
		s := &Store{Type: tc.typ, Encryption: Encryption{Kind: tc.kind}}
		if got := s.Provider(); got != tc.want {
			t.Errorf("Store{Type: %q}.Provider() = %q, want %q", tc.typ, got, tc.want)
		}
		if got := tc.kind.Describe(s.Provider()); got != tc.says {
			t.Errorf("%q.Describe(%q) = %q, want %q", tc.kind, s.Provider(), got, tc.says)
		}
	}
}
