// Package policy gives IAM policy documents their meaning: which catalog
// actions a policy allows, on what terms, and what is wrong with it.
//
// # Parsing
//
// Parse reads a document as IAM accepts it (Version, Id, Statement as an
// object or a list; Sid, Effect, Action/NotAction, Resource/NotResource,
// Principal/NotPrincipal, Condition; strings or lists where IAM allows
// either) and keeps the line and column of every statement and pattern.
// It never fails: a JSON syntax error, an unknown element, a wrong type, a
// statement with both or neither of Action and NotAction, a bad Effect, an
// action outside IAM's grammar, an empty list, a duplicate Sid or an
// unknown Version is a Finding. Every finding has a Code (codes.go),
// documented in Rules (rules.go).
//
// A statement IAM would reject grants and denies nothing (Statement.Valid
// is false): any error finding inside it, a Sid another statement shares,
// or an error of the whole document (a wrong Version). Actions follow the
// grammar ("*", or prefix:name with wildcards in the name only): "*:*",
// "s3*:ListBucket", "*Object", "s3:" and "s3:Get:Object" are rejected, as
// is a prefix with a non-ASCII letter (a Kelvin sign that Unicode case
// folding would read as k).
//
// # Matching
//
// A pattern matches an action ID ("prefix:Name") as iampattern.Match says:
// letter case ignored on the whole ID, "*" any run of characters, "?"
// exactly one. The Engine indexes the catalog so that a literal pattern is
// a map lookup and "chime:List*" a binary search in the chime names.
//
// # Evaluation
//
// Engine.Evaluate computes the allowed actions exactly as follows:
//
//   - An Allow statement covers the actions its Action patterns match, or
//     with NotAction every catalog action none of its patterns matches.
//     An empty Action list covers nothing.
//   - A Deny statement with no Condition whose Resource includes "*" and
//     that applies to every principal (no Principal, "*" or {"AWS": "*"})
//     removes the actions it covers (with NotAction: every action outside
//     its list). This subtraction is exact.
//   - A Deny with a Condition, on narrower resources (or NotResource), or
//     for some principals only (Principal or NotPrincipal) cannot be
//     decided statically: the actions it covers stay allowed and are
//     marked PartlyDenied, with the denying statement and pattern.
//   - A grant is Conditional when every statement granting it has a
//     Condition, and ResourceScoped when none of them has Resource "*"
//     (a Resource list containing "*" counts as "*"; NotResource, or no
//     Resource at all, counts as scoped).
//   - Statements IAM would reject take no part; their findings say so.
//
// The result lists each allowed action once, in catalog order, with every
// statement and pattern that grants it. Literal actions the catalog lacks
// are kept as Unknown (with suggestions), wildcards that match nothing as
// Unmatched: the catalog and a policy can be weeks apart, and neither is
// dropped.
//
// Statement indexes in GrantRef and UnknownAction are 0-based positions in
// Document.Statements; lines and columns are 1-based, columns in characters.
//
// An Engine is built once per catalog (about 50 ms for the full catalog)
// and is safe for concurrent use; it remembers what each wildcard pattern
// matches, since the managed policies share most of their patterns.
//
// # Checks
//
// Engine.Analyze is the one entry point of the site, the command line and
// the browser: it parses a document, applies the rules of its Kind
// (Identity, Resource or SCP, guessed from Principal when not given:
// Principal where it may not stand or is missing, Resource required, Sid
// characters, ARN format, size quotas), evaluates it, and checks it
// against the catalog: condition keys (known, supported by the
// statement's actions, operator and values of the right type, set
// operators where keys hold sets), resources (ARNs that fit the actions'
// resource types), security warnings (iam:PassRole on "*", Allow with
// NotPrincipal, NotAction or NotResource), redundant patterns and
// statements, and, for identity policies, the privilege-escalation paths
// it opens and the sensitive actions it allows (the catalog's risk lists).
// Where the catalog cannot tell (a key of an identity provider, a name it
// lacks, a resource type it does not define) the checks say nothing, or
// say it as an info. Check is the same for a catalog, without an Engine.
//
// # Managed policies
//
// LoadManaged reads content/policies/*.json: each policy's default version
// as Document and every version the content holds in Versions, the older
// ones as edits of the next newer one (ManagedPolicy.Walk rebuilds them);
// LoadSource reads policies/source.yaml. ServiceMatrix, ReverseIndex,
// Compare and Drift turn the evaluated policies into the tables the site
// shows.
package policy
