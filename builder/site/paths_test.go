package site

import "testing"

func TestRel(t *testing.T) {
	tests := []struct{ from, to, want string }{
		{"/", "/chime/", "./chime/"},
		{"/chime/", "/chime/CreateMeeting/", "../chime/CreateMeeting/"},
		{"/chime/CreateMeeting/", "/chime/", "../../chime/"},
		{"/chime/CreateMeeting/", "/", "../../"},
		{"/chime/CreateMeeting/", "/s3/PutObject/", "../../s3/PutObject/"},
		{"/chime/CreateMeeting/", "/chime/CreateMeeting/#resource-types", "#resource-types"},
		{"/chime/", "/chime/#action-X", "#action-X"},
		{"/chime/", "/chime/index.json", "../chime/index.json"},
		{"/chime/CreateMeeting/", "/api/catalog/chime.json", "../../api/catalog/chime.json"},
		{"/", "/static/site.css", "./static/site.css"},
		{"/404.html", "/chime/", "./chime/"},
		{"/chime/", "/chime/", "../chime/"},
		{"/x/", "/a b/", "../a%20b/"},
		{"/x/", "/conditions/aws_RequestTag_TagKey/", "../conditions/aws_RequestTag_TagKey/"},
	}
	for _, tt := range tests {
		if got := Rel(tt.from, tt.to); got != tt.want {
			t.Errorf("Rel(%q, %q) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestSlug(t *testing.T) {
	tests := map[string]string{
		"aws:RequestTag/${TagKey}":   "aws_RequestTag_TagKey",
		"listener-rule/app":          "listener-rule_app",
		"stream group":               "stream-group",
		"s3:ExistingObjectTag/<key>": "s3_ExistingObjectTag_key",
		"loadbalancer/app/":          "loadbalancer_app_",
		"CIS Scan Configuration":     "CIS-Scan-Configuration",
		"..":                         "_..",
		"":                           "_",
	}
	for in, want := range tests {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}
