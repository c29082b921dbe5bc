// Package asn holds the facts of Indonesian civil-servant (ASN) identity that the bot checks
// when someone registers: the employee number (NIP), the rank (golongan) and the phone number;
// and the country's three time zones, which every date the bot shows or reads belongs to.
//
// Everything here is a pure function with no I/O, so the rules can be tested exhaustively and
// reused by any flow. No function returns text a user reads: every word shown to a user lives
// in the locale files, so a failure is a Problem carrying a locale key (namespaces "nip" and
// "phone", texts in locales/asn.id.yaml) and the arguments its template needs.
package asn

import "unicode"

// Problem is a user-facing validation failure: a locale key and its template arguments.
// It is returned as *Problem rather than error so that a caller cannot mistake it for a
// fault of the system: it is an answer to show, not something to log and retry.
type Problem struct {
	// Key is the locale message ID, e.g. "nip.length".
	Key string
	// Args are the template arguments of the text, e.g. {"Count": 16}.
	Args map[string]any
}

// Error returns only the key, for logs: the arguments can quote what the user typed, and a
// NIP or a phone number is personal data that must not end up in a log.
func (p *Problem) Error() string {
	if p == nil {
		return "<nil>"
	}
	return p.Key
}

// problem builds a Problem from alternating argument names and values, which keeps the call
// sites as short as the texts they stand for.
func problem(key string, kv ...any) *Problem {
	p := &Problem{Key: key}
	if len(kv) > 0 {
		p.Args = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			p.Args[kv[i].(string)] = kv[i+1]
		}
	}
	return p
}

// Kind of employee: the two kinds have different NIP layouts and different rank lists.
type Kind string

const (
	// PNS is a permanent civil servant (Pegawai Negeri Sipil).
	PNS Kind = "pns"
	// PPPK is a civil servant on contract (Pegawai Pemerintah dengan Perjanjian Kerja).
	PPPK Kind = "pppk"
)

// isSeparator reports whether r may stand between groups of digits as people type them:
// spaces (any kind, since phones insert non-breaking ones), dots and dashes.
func isSeparator(r rune) bool {
	// unicode.Pd covers the hyphen-minus and the look-alike dashes that keyboards autocorrect to.
	return r == '.' || unicode.IsSpace(r) || unicode.Is(unicode.Pd, r)
}
