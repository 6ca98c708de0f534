package policy

// Rule documents one Code: what it finds and why it matters, a document
// that has it, and the Access Analyzer policy checks that find the same.
// The site's /checks/ page, the command line's SARIF rules and the
// browser's help links are all made from Rules.
type Rule struct {
	Code  Code
	Group string // a heading of /checks/
	// Severity is the usual one; some findings of the code are milder
	// (Explain says when).
	Severity Severity
	Title    string // a short name
	Explain  string // what the check finds, why it matters and how to fix it
	// Example is a policy document the check finds something in, analysed
	// as Kind.
	Example string
	Kind    Kind
	// AccessAnalyzer names the closest checks of IAM Access Analyzer's
	// policy validation, as their reference page titles them; nil when it
	// has none.
	AccessAnalyzer []AnalyzerCheck
}

// HelpPath is the rule's section of the site's checks page, site-absolute:
// what a finding links to, and the help link of a SARIF rule (prefixed
// with the site's address).
func (r *Rule) HelpPath() string { return "/checks/#" + string(r.Code) }

// AnalyzerCheck is one of Access Analyzer's policy checks.
type AnalyzerCheck struct {
	Title  string // as the reference page heads it
	Anchor string // its fragment on the reference page
}

// AnalyzerReference is Access Analyzer's policy check reference.
const AnalyzerReference = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"

// URL is the check's section of the reference page.
func (a AnalyzerCheck) URL() string { return AnalyzerReference + "#" + a.Anchor }

func aa(title, anchor string) AnalyzerCheck {
	return AnalyzerCheck{Title: title, Anchor: "access-analyzer-reference-policy-checks-" + anchor}
}

// The groups of Rules, in display order.
const (
	GroupRejected   = "IAM rejects the document or the statement"
	GroupKind       = "The kind of policy"
	GroupNames      = "Names the catalog lacks"
	GroupConditions = "Conditions"
	GroupResources  = "Resources"
	GroupSecurity   = "Security warnings"
	GroupRisks      = "Risks"
	GroupRedundant  = "Redundancy"
	GroupStyle      = "Versions and empty blocks"
)

// Groups lists the groups of Rules in display order.
var Groups = []string{GroupRejected, GroupKind, GroupNames, GroupConditions, GroupResources, GroupSecurity, GroupRisks, GroupRedundant, GroupStyle}

// RuleFor returns the rule of a code, or nil.
func RuleFor(c Code) *Rule {
	for i := range Rules {
		if Rules[i].Code == c {
			return &Rules[i]
		}
	}
	return nil
}

const exampleHead = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n"
const exampleTail = "\n  ]\n}\n"

func example(statements string) string { return exampleHead + statements + exampleTail }

// Rules documents every code, grouped, in display order.
var Rules = []Rule{
	// IAM rejects the document or the statement.
	{Code: CodeJSONSyntax, Group: GroupRejected, Severity: Error, Title: "JSON syntax",
		Explain:        "The document is not JSON, or not a JSON object. Nothing in it is evaluated. The finding points at the first character that breaks the syntax and, when a comma is missing between two values, at the line that lacks it.",
		Example:        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\" \"s3:ListBucket\"], \"Resource\": \"*\"}\n  ]\n}\n",
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Json syntax error", "error-json-syntax-error")}},
	{Code: CodeInvalidElement, Group: GroupRejected, Severity: Error, Title: "Unknown or malformed element",
		Explain:        "An element IAM does not know (element names are case-sensitive: \"action\" is not \"Action\"), one given twice, or one of the wrong JSON type. IAM rejects the policy; the statement that holds it grants and denies nothing here.",
		Example:        example(`    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Conditions": {}}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Invalid policy element", "error-invalid-policy-element"), aa("Error – Data type mismatch", "error-data-type-mismatch")}},
	{Code: CodeMissingStatement, Group: GroupRejected, Severity: Error, Title: "No statement",
		Explain:        "The document has no Statement element (an error), or an empty list of statements (a warning): it grants nothing.",
		Example:        "{\n  \"Version\": \"2012-10-17\"\n}\n",
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Missing statement", "error-missing-statement")}},
	{Code: CodeInvalidVersion, Group: GroupRejected, Severity: Error, Title: "Invalid Version",
		Explain:        "Version must be \"2012-10-17\" (or the old \"2008-10-17\"); it is a language version, not a date you choose. IAM rejects any other value, so no statement of the document is evaluated.",
		Example:        "{\n  \"Version\": \"2024-01-01\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}\n  ]\n}\n",
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Invalid version", "error-invalid-version")}},
	{Code: CodeInvalidEffect, Group: GroupRejected, Severity: Error, Title: "Missing or invalid Effect",
		Explain:        "Every statement needs \"Effect\": \"Allow\" or \"Deny\", in that case. Without one IAM rejects the statement, and it grants and denies nothing.",
		Example:        example(`    {"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Invalid effect", "error-invalid-effect"), aa("Error – Missing effect", "error-missing-effect")}},
	{Code: CodeMissingAction, Group: GroupRejected, Severity: Error, Title: "No Action",
		Explain:        "A statement needs Action or NotAction. Without either IAM rejects it.",
		Example:        example(`    {"Effect": "Allow", "Resource": "*"}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Missing action", "error-missing-action")}},
	{Code: CodeInvalidAction, Group: GroupRejected, Severity: Error, Title: "Invalid action",
		Explain:        "An action is \"*\" or a service prefix, a colon and a name: the grammar lets wildcards stand in the name only. A wildcard or a non-ASCII letter in the prefix (s3*:ListBucket, *:GetCallerIdentity, a Kelvin sign for the k of kms), no prefix at all (*Object), no name (s3:), a second colon (s3:Get:Object), and both Action and NotAction in one statement are rejected. \"*:*\" is a wildcard in the prefix too: write \"*\". The statement grants and denies nothing; iamref does not guess what the author meant.",
		Example:        example(`    {"Effect": "Allow", "Action": ["s3*:ListBucket", "*Object"], "Resource": "*"}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Invalid service in action", "error-invalid-service-in-action"), aa("Error – Unsupported element combination", "error-unsupported-element-combination")}},
	{Code: CodeEmptyAction, Group: GroupRejected, Severity: Error, Title: "Empty Action list",
		Explain:        "\"Action\": [] names no action, and \"NotAction\": [] would name every one: neither is a wildcard, and iamref evaluates neither (Access Analyzer calls the empty Action a suggestion; iamref treats both as a statement that grants nothing, never as \"*\").",
		Example:        example(`    {"Effect": "Allow", "NotAction": [], "Resource": "*"}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Suggestion – Empty array action", "suggestion-empty-array-action")}},
	{Code: CodeInvalidResource, Group: GroupRejected, Severity: Error, Title: "Invalid Resource",
		Explain:        "An empty Resource or NotResource list, an empty string, a value that is not a string, or both Resource and NotResource in one statement. The statement grants and denies nothing.",
		Example:        example(`    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "NotResource": "arn:aws:s3:::b/secret/*"}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Suggestion – Empty array resource", "suggestion-empty-array-resource"), aa("Error – Unsupported element combination", "error-unsupported-element-combination")}},
	{Code: CodeMalformedARN, Group: GroupRejected, Severity: Error, Title: "Malformed ARN",
		Explain:        "A resource that is neither \"*\" nor arn:partition:service:region:account:resource. In identity policies and SCPs IAM rejects it; in a resource policy, a service's own short form (API Gateway's execute-api:/stage/GET/path) is accepted, and anything else is a warning.",
		Example:        example(`    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "my-bucket/*"}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Invalid ARN prefix", "error-invalid-arn-prefix"), aa("Error – Missing ARN field", "error-missing-arn-field")}},
	{Code: CodeInvalidSid, Group: GroupRejected, Severity: Error, Title: "Invalid Sid",
		Explain:        "In identity policies and SCPs a Sid holds letters and digits only; IAM rejects anything else. Resource policies of some services allow more, so they are not checked.",
		Example:        example(`    {"Sid": "read-objects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Unsupported Sid", "error-unsupported-sid")}},
	{Code: CodeDuplicateSid, Group: GroupRejected, Severity: Error, Title: "Duplicate Sid",
		Explain:        "IAM requires the Sids of a policy to be unique and rejects a document in which two statements share one. Neither statement is evaluated.",
		Example:        example(`    {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},` + "\n" + `    {"Sid": "Read", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Unique Sids required", "error-unique-sids-required"), aa("General Warning – Unique Sids recommended", "general-warning-unique-sids-recommended")}},
	{Code: CodeInvalidPrincipal, Group: GroupRejected, Severity: Error, Title: "Invalid Principal",
		Explain:        "Principal and NotPrincipal are \"*\" or an object of AWS, Service, Federated and CanonicalUser entries; a statement may not have both.",
		Example:        example(`    {"Effect": "Allow", "Principal": {"User": "alice"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`),
		Kind:           Resource,
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Invalid principal format", "error-invalid-principal-format"), aa("Error – Invalid principal key", "error-invalid-principal-key")}},
	{Code: CodeInvalidCondition, Group: GroupRejected, Severity: Error, Title: "Malformed Condition",
		Explain:        "A Condition is an object of operators, each an object of keys, each a value or a list of strings, numbers or booleans. An operator or a key given twice (keys are case-insensitive) is rejected too.",
		Example:        example(`    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1", "AWS:SOURCEVPCE": "vpce-2"}}}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Duplicate keys with different case", "error-duplicate-keys-with-different-case")}},
	{Code: CodeUnknownConditionOperator, Group: GroupRejected, Severity: Error, Title: "Unknown condition operator",
		Explain:        "Operators are case-sensitive and spelt exactly (StringEquals, not StringEqual), with an optional ForAnyValue: or ForAllValues: before and IfExists after, except that Null takes no IfExists. iamref suggests the nearest operator.",
		Example:        example(`    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEqual": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Invalid condition operator", "error-invalid-condition-operator"), aa("Error – Null with if exists", "error-null-with-if-exists")}},
	{Code: CodePolicyTooLarge, Group: GroupRejected, Severity: Error, Title: "Policy too large",
		Explain:        "Over the size quota of its kind: 6,144 characters without white space for a managed policy (inline policies share 2,048 characters per user, 5,120 per group and 10,240 per role), 5,120 for an SCP; resource policies depend on the service (20 KB for an S3 bucket policy, a warning). The statements are still evaluated, since the same statements split over two policies grant the same. AWS managed policies may be larger; on them it is an info for whoever copies one.",
		AccessAnalyzer: []AnalyzerCheck{aa("General Warning – Policy size exceeds identity policy quota", "general-warning-policy-size-exceeds-identity-policy-quota"), aa("Error – Policy size exceeds SCP quota", "error-policy-size-exceeds-scp-quota"), aa("General Warning – Policy size exceeds resource policy quota", "general-warning-policy-size-exceeds-resource-policy-quota")}},

	// The kind of policy.
	{Code: CodePrincipalInIdentity, Group: GroupKind, Severity: Error, Title: "Principal in an identity policy or SCP",
		Explain:        "An identity policy applies to whoever it is attached to, and an SCP to the accounts it is attached to: neither may name a Principal. IAM rejects the statement. When no kind is given, iamref takes a document whose statements name principals for a resource policy, so this is found when the kind is given.",
		Example:        example(`    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "*"}`),
		Kind:           Identity,
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Unsupported principal", "error-unsupported-principal"), aa("Error – SCP syntax error principal", "error-scp-syntax-error-principal")}},
	{Code: CodeMissingPrincipal, Group: GroupKind, Severity: Error, Title: "No Principal in a resource policy",
		Explain:        "A resource policy must say whom each statement applies to.",
		Example:        example(`    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},` + "\n" + `    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Missing principal", "error-missing-principal")}},
	{Code: CodeMissingResource, Group: GroupKind, Severity: Error, Title: "No Resource in an identity policy",
		Explain:        "Each statement of an identity policy needs Resource or NotResource (write \"Resource\": \"*\" for every resource); IAM rejects it otherwise. Resource policies may leave it out (a role's trust policy does); SCPs get a warning.",
		Example:        example(`    {"Effect": "Allow", "Action": "s3:GetObject"}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Missing resource", "error-missing-resource")}},

	// Names the catalog lacks.
	{Code: CodeUnknownService, Group: GroupNames, Severity: Warning, Title: "Unknown service prefix",
		Explain:        "The catalog has no service with this prefix. It may be a typo (suggestions follow) or a service newer than the catalog's snapshot; the name is kept and listed on /quality/.",
		Example:        example(`    {"Effect": "Allow", "Action": "s4:GetObject", "Resource": "*"}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Invalid service in action", "error-invalid-service-in-action")}},
	{Code: CodeUnknownAction, Group: GroupNames, Severity: Warning, Title: "Unknown action",
		Explain:        "The service is known but has no action of this name. It may be a typo (suggestions follow, including plurals: ListMeetingReportData → ListMeetingsReportData) or newer than the catalog.",
		Example:        example(`    {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Invalid action", "error-invalid-action")}},
	{Code: CodeWildcardMatchesNothing, Group: GroupNames, Severity: Warning, Title: "Wildcard that matches nothing",
		Explain: "The pattern matches no action of the catalog: a typo, or a service that has no actions yet.",
		Example: example(`    {"Effect": "Allow", "Action": "s3:Fetch*", "Resource": "*"}`)},

	// Conditions.
	{Code: CodeUnknownConditionKey, Group: GroupConditions, Severity: Warning, Title: "Unknown condition key",
		Explain:        "Neither a global condition key nor a key of the service in the catalog (placeholders filled in: aws:ResourceTag/Owner is aws:ResourceTag/${TagKey}). A key IAM does not know is never in the request, so the condition never holds. Keys of identity providers (accounts.google.com:aud, token.actions.githubusercontent.com:sub, saml:aud) are not checked.",
		Example:        example(`    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpcee": "vpce-1a2b3c4d"}}}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Invalid global condition key", "error-invalid-global-condition-key"), aa("Error – Invalid service condition key", "error-invalid-service-condition-key"), aa("General Warning – Deprecated global condition key", "general-warning-deprecated-global-condition-key")}},
	{Code: CodeConditionKeyNotForAction, Group: GroupConditions, Severity: Warning, Title: "Condition key no action of the statement supports",
		Explain:        "A real key that none of the statement's actions, nor their resource types, lists in the catalog: the request never carries it, so the condition never holds (an Allow then allows nothing, a Deny denies nothing). Global keys are in every request and are not checked, except the tag keys (aws:RequestTag, aws:ResourceTag, aws:TagKeys), which only some actions have. With Null or IfExists the author expects the key may be absent: then it is an info. Statements with names the catalog lacks are not checked.",
		Example:        example(`    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"ec2:InstanceType": "t3.micro"}}}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Unsupported action for condition key", "error-unsupported-action-for-condition-key"), aa("Suggestion – Allow with unsupported tag condition key for service", "suggestion-allow-with-unsupported-tag-condition-key-for-service")}},
	{Code: CodeConditionOperatorType, Group: GroupConditions, Severity: Warning, Title: "Operator does not fit the key's type",
		Explain:        "A Numeric, Date, Bool, IpAddress or Binary operator on a key of another type never matches. A String operator on a Bool, Numeric, Date or IP key compares text and works, an info. ARN and String operators are interchangeable, since many String keys hold ARNs.",
		Example:        example(`    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"NumericLessThan": {"aws:SourceIp": "10"}}}`),
		AccessAnalyzer: []AnalyzerCheck{aa("General Warning – Type mismatch", "general-warning-type-mismatch")}},
	{Code: CodeInvalidConditionValue, Group: GroupConditions, Severity: Warning, Title: "Value the operator cannot compare",
		Explain:        "A Numeric operator's value is no number, a Date operator's no date (ISO 8601, or seconds since 1970), an IpAddress operator's no address or CIDR range, a Bool or Null operator's neither true nor false. The condition never holds for it. Policy variables are not checked.",
		Example:        example(`    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "next Friday"}}}`),
		AccessAnalyzer: []AnalyzerCheck{aa("General Warning – Invalid date value", "general-warning-invalid-date-value"), aa("General Warning – Type mismatch number", "general-warning-type-mismatch-number"), aa("General Warning – Type mismatch IP range", "general-warning-type-mismatch-ip-range")}},
	{Code: CodeSetOperatorOnSingleValued, Group: GroupConditions, Severity: Warning, Title: "Set operator on a single-valued key",
		Explain:        "ForAllValues: on a key that holds one value (not an ArrayOf type) also holds when the request lacks the key, which in an Allow allows more than meant. ForAnyValue: on such a key works like the operator alone, an info.",
		Example:        example(`    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Security Warning – ForAllValues with single valued key", "security-warning-forallvalues-with-single-valued-key")}},
	{Code: CodeMissingSetOperator, Group: GroupConditions, Severity: Warning, Title: "Multivalued key without a set operator",
		Explain: "A key that holds a set of values (an ArrayOf type, such as aws:TagKeys) needs ForAnyValue: (at least one value matches) or ForAllValues: (every one does); the bare operator does not say which.",
		Example: example(`    {"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*", "Condition": {"StringEquals": {"aws:TagKeys": ["Owner", "Project"]}}}`)},

	// Resources.
	{Code: CodeResourceMismatch, Group: GroupResources, Severity: Warning, Title: "Resource no action of the statement applies to",
		Explain:        "An action whose resource types' ARN formats fit none of the statement's resources is not granted (or denied) by it: s3:ListBucket on arn:aws:s3:::bucket/* (objects, not the bucket). An action with no resource type fits only \"*\", and a resource that fits no action of the statement is dead weight; as the catalog may lack a resource type, both are infos, and so is a mismatch when a resource has a form its service's catalog does not know. ARNs are matched segment by segment, as IAM documents it.",
		Example:        example(`    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::my-bucket/*"}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Invalid ARN resource", "error-invalid-arn-resource")}},

	// Security warnings.
	{Code: CodePassRoleWildcardResource, Group: GroupSecurity, Severity: Warning, Title: "iam:PassRole on every role",
		Explain:        "A statement that allows iam:PassRole (by name, by a wildcard, or through NotAction) on \"*\" or with NotResource lets the principal hand any role, however privileged, to a service it can run code in. Name the roles in Resource, or add an iam:PassedToService condition.",
		Example:        example(`    {"Effect": "Allow", "Action": ["ec2:RunInstances", "iam:PassRole"], "Resource": "*"}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Security Warning – Pass role with star in resource", "security-warning-pass-role-with-star-in-resource"), aa("Security Warning – Pass role with NotResource", "security-warning-pass-role-with-not-resource")}},
	{Code: CodeAllowWithNotPrincipal, Group: GroupSecurity, Severity: Warning, Title: "Allow with NotPrincipal",
		Explain:        "Allow with NotPrincipal allows everyone but the principals listed, anonymous users included.",
		Example:        example(`    {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Security Warning – Allow with NotPrincipal", "security-warning-allow-with-not-principal")}},
	{Code: CodeAllowWithNotAction, Group: GroupSecurity, Severity: Warning, Title: "Allow with NotAction",
		Explain: "Allow with NotAction allows every action outside the list, including every action AWS adds later. On \"*\" without a condition it is a warning; on narrower resources or with a condition, an info.",
		Example: example(`    {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}`)},
	{Code: CodeAllowWithNotResource, Group: GroupSecurity, Severity: Warning, Title: "Allow with NotResource",
		Explain: "Allow with NotResource allows the actions on every resource outside the list, in every service and account, including resources created later.",
		Example: example(`    {"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::audit-logs/*"}`)},

	// Risks.
	{Code: CodePrivilegeEscalationPath, Group: GroupRisks, Severity: Warning, Title: "Opens a privilege-escalation path",
		Explain: "The policy allows every action one of pathfinding.cloud's privilege-escalation paths needs, so a principal holding it can gain more than it was given; the finding links to the path's explanation. On \"*\" and without conditions it is a warning; when some of the actions are conditional, resource-scoped or partly denied, an info. The finding points at the statement that completes the path.",
		Example: example(`    {"Effect": "Allow", "Action": "iam:CreatePolicyVersion", "Resource": "*"}`)},
	{Code: CodeSensitiveAction, Group: GroupRisks, Severity: Info, Title: "Allows sensitive actions",
		Explain: "The policy allows actions of primeharbor/sensitive_iam_actions's lists: ones that expose credentials, data or resources, or escalate privileges. One info per category, naming the first few; the policy's page lists them all.",
		Example: example(`    {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*"}`)},

	// Redundancy.
	{Code: CodeRedundantAction, Group: GroupRedundant, Severity: Info, Title: "Redundant action",
		Explain:        "A pattern another pattern of the same list already covers (iam:GetRole beside iam:Get*), or the same action twice. The test is on the patterns' text, so it stays true when AWS adds actions.",
		Example:        example(`    {"Effect": "Allow", "Action": ["iam:Get*", "iam:GetRole"], "Resource": "*"}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Suggestion – Redundant action", "suggestion-redundant-action")}},
	{Code: CodeRedundantStatement, Group: GroupRedundant, Severity: Info, Title: "Redundant statement",
		Explain:        "Another statement with the same effect already covers every action and resource of this one, without a condition or with the same ones. Removing it changes nothing; keeping it invites edits to one copy only.",
		Example:        example(`    {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"},` + "\n" + `    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Suggestion – Redundant statement", "suggestion-redundant-statement")}},

	// Versions and empty blocks.
	{Code: CodeMissingVersion, Group: GroupStyle, Severity: Warning, Title: "No Version",
		Explain:        "Without Version IAM reads the document in the 2008-10-17 language, in which policy variables such as ${aws:username} are not replaced.",
		Example:        "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}\n  ]\n}\n",
		AccessAnalyzer: []AnalyzerCheck{aa("General Warning – Missing version", "general-warning-missing-version")}},
	{Code: CodeOldVersion, Group: GroupStyle, Severity: Info, Title: "Version 2008-10-17",
		Explain: "The old policy language: it works, but policy variables are taken literally. Use 2012-10-17.",
		Example: "{\n  \"Version\": \"2008-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}\n  ]\n}\n"},
	{Code: CodeVariableInOldVersion, Group: GroupStyle, Severity: Warning, Title: "Policy variable the version does not replace",
		Explain:        "A ${…} policy variable in a document without Version 2012-10-17 is matched as the literal text.",
		Example:        "{\n  \"Version\": \"2008-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::home/${aws:username}/*\"}\n  ]\n}\n",
		AccessAnalyzer: []AnalyzerCheck{aa("Error – Variable unsupported in version", "error-variable-unsupported-in-version")}},
	{Code: CodeEmptyCondition, Group: GroupStyle, Severity: Info, Title: "Empty condition",
		Explain:        "An empty Condition (the statement is unconditional, an info), an operator without keys or a key with an empty list of values (warnings).",
		Example:        example(`    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {}}`),
		AccessAnalyzer: []AnalyzerCheck{aa("Suggestion – Empty object condition", "suggestion-empty-object-condition"), aa("Suggestion – Empty array condition", "suggestion-empty-array-condition")}},
}
