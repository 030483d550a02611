package code

import "testing"

func TestMapperSave(t *testing.T) {
	for _, tc := range []struct {
		text, want string
	}{
		{"SaveBehavior.CLOBBER", "PutItem"},
		{"DynamoDBMapperConfig.SaveBehavior.PUT", "PutItem"},
		{"DynamoDBMapperConfig.SaveBehavior.UPDATE_SKIP_NULL_ATTRIBUTES", "UpdateItem"},
		{"SaveBehavior.APPEND_SET.config()", "UpdateItem"},
		{"SaveBehavior.", ""},
		{"ConsistentReads.CONSISTENT", ""},
		{"PUT", ""},
	} {
		c := &sdkClient{}
		mapperSave(c, tc.text)
		if c.op != tc.want {
			t.Errorf("mapperSave(%q) = %q, want %q", tc.text, c.op, tc.want)
		}
	}
}

func TestJavaQualifiedClass(t *testing.T) {
	for q, want := range map[string]bool{
		"com.samskivert.mustache.Mustache": true,
		"org.example.Util":                 true,
		"example.Util":                     false, // one package name: a variable's field as likely
		"com.example.Outer.Inner":          false,
		"config.settings.value":            false,
		"com.example.util":                 false,
		"com..example.Util":                false,
	} {
		if got := javaQualifiedClass(q); got != want {
			t.Errorf("javaQualifiedClass(%q) = %v, want %v", q, got, want)
		}
	}
}
