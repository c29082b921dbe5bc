package asn

import (
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the three zones must load in a minimal container without zoneinfo
)

// Indonesia's three time zones. A batch's times belong to where it takes place; WIB is the
// zone of anything that names none.
var (
	WIB  = mustZone("Asia/Jakarta")
	WITA = mustZone("Asia/Makassar")
	WIT  = mustZone("Asia/Jayapura")
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // cannot happen: time/tzdata is embedded
	}
	return loc
}

// zoneNames are the names a catalogue row may give its zone by: Indonesia's three, as people
// write them and as IANA names them.
var zoneNames = map[string]*time.Location{
	"wib": WIB, "wita": WITA, "wit": WIT,
	"asia/jakarta": WIB, "asia/makassar": WITA, "asia/jayapura": WIT,
}

// ZoneByName finds a zone by its Indonesian abbreviation or IANA name, in any case.
func ZoneByName(s string) (*time.Location, bool) {
	loc, ok := zoneNames[strings.ToLower(strings.TrimSpace(s))]
	return loc, ok
}

var zones sync.Map // IANA name → *time.Location, for Zone

// Zone is the location of an IANA name as stored with a batch; WIB when the name is empty
// or unknown, so a time is always shown somewhere an Indonesian reader expects.
func Zone(name string) *time.Location {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" {
		loc = WIB
	}
	zones.Store(name, loc)
	return loc
}
