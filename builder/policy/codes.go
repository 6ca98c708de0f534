package policy

// Code names what a Finding is about. Codes are stable: the JSON API, the
// site's /checks/#CODE anchors and the command line's output use them, and
// a code keeps its meaning once published. Rules describes each one.
type Code string

// IAM rejects the document or the statement (errors). A statement with
// such an error grants and denies nothing.
const (
	CodeJSONSyntax               Code = "JSON_SYNTAX"
	CodeInvalidElement           Code = "INVALID_ELEMENT"
	CodeMissingStatement         Code = "MISSING_STATEMENT"
	CodeInvalidVersion           Code = "INVALID_VERSION"
	CodeInvalidSid               Code = "INVALID_SID"
	CodeDuplicateSid             Code = "DUPLICATE_SID"
	CodeInvalidEffect            Code = "INVALID_EFFECT"
	CodeMissingAction            Code = "MISSING_ACTION"
	CodeInvalidAction            Code = "INVALID_ACTION"
	CodeEmptyAction              Code = "EMPTY_ACTION"
	CodeInvalidResource          Code = "INVALID_RESOURCE"
	CodeMissingResource          Code = "MISSING_RESOURCE"
	CodeInvalidPrincipal         Code = "INVALID_PRINCIPAL"
	CodeInvalidCondition         Code = "INVALID_CONDITION"
	CodeUnknownConditionOperator Code = "UNKNOWN_CONDITION_OPERATOR"
	CodePolicyTooLarge           Code = "POLICY_TOO_LARGE"
	CodePrincipalInIdentity      Code = "PRINCIPAL_IN_IDENTITY_POLICY"
	CodeMissingPrincipal         Code = "MISSING_PRINCIPAL"
	CodeMalformedARN             Code = "MALFORMED_ARN"
)

// Accepted by IAM, but not what the author probably meant.
const (
	CodeMissingVersion       Code = "MISSING_VERSION"
	CodeOldVersion           Code = "OLD_VERSION"
	CodeVariableInOldVersion Code = "VARIABLE_IN_OLD_VERSION"
	CodeEmptyCondition       Code = "EMPTY_CONDITION"
)

// Names the catalog lacks.
const (
	CodeUnknownService         Code = "UNKNOWN_SERVICE"
	CodeUnknownAction          Code = "UNKNOWN_ACTION"
	CodeWildcardMatchesNothing Code = "WILDCARD_MATCHES_NOTHING"
)

// Conditions the catalog can check.
const (
	CodeUnknownConditionKey       Code = "UNKNOWN_CONDITION_KEY"
	CodeConditionKeyNotForAction  Code = "CONDITION_KEY_NOT_FOR_ACTION"
	CodeConditionOperatorType     Code = "CONDITION_OPERATOR_TYPE"
	CodeInvalidConditionValue     Code = "INVALID_CONDITION_VALUE"
	CodeSetOperatorOnSingleValued Code = "SET_OPERATOR_ON_SINGLE_VALUED_KEY"
	CodeMissingSetOperator        Code = "MISSING_SET_OPERATOR"
	CodeResourceMismatch          Code = "RESOURCE_MISMATCH"
	CodePassRoleWildcardResource  Code = "PASSROLE_WILDCARD_RESOURCE"
	CodeAllowWithNotPrincipal     Code = "ALLOW_WITH_NOT_PRINCIPAL"
	CodeAllowWithNotAction        Code = "ALLOW_WITH_NOT_ACTION"
	CodeAllowWithNotResource      Code = "ALLOW_WITH_NOT_RESOURCE"
	CodePrivilegeEscalationPath   Code = "PRIVILEGE_ESCALATION_PATH"
	CodeSensitiveAction           Code = "SENSITIVE_ACTION"
	CodeRedundantAction           Code = "REDUNDANT_ACTION"
	CodeRedundantStatement        Code = "REDUNDANT_STATEMENT"
)
