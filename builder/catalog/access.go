package catalog

import "strings"

// AccessLevel is the access level the Service Authorization Reference gives an action.
type AccessLevel string

// The five access levels, in the order the reference lists them.
const (
	List                  AccessLevel = "List"
	Read                  AccessLevel = "Read"
	Write                 AccessLevel = "Write"
	PermissionsManagement AccessLevel = "Permissions management"
	Tagging               AccessLevel = "Tagging"
)

// AccessLevels lists every access level in display order.
var AccessLevels = []AccessLevel{List, Read, Write, PermissionsManagement, Tagging}

// ParseAccessLevel accepts an access level in any letter case.
func ParseAccessLevel(s string) (AccessLevel, bool) {
	for _, l := range AccessLevels {
		if strings.EqualFold(string(l), strings.TrimSpace(s)) {
			return l, true
		}
	}
	return "", false
}

// Slug is a short lower-case token for the level, for CSS classes, filters and URLs.
func (l AccessLevel) Slug() string {
	switch l {
	case PermissionsManagement:
		return "permissions"
	case "":
		return "unknown"
	}
	return strings.ToLower(string(l))
}

// Index is the level's position in AccessLevels, or len(AccessLevels) if unknown.
func (l AccessLevel) Index() int {
	for i, x := range AccessLevels {
		if x == l {
			return i
		}
	}
	return len(AccessLevels)
}
