package flows

import (
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// handlerName names a handler as the routing table does: "roster"; "withDraft" for a step
// that needs the change being prepared.
func handlerName(h handler) string {
	name := runtime.FuncForPC(reflect.ValueOf(h).Pointer()).Name()
	if strings.Contains(name, "withDraft") {
		return "withDraft"
	}
	name = name[strings.LastIndex(name, "/")+1:]
	name = strings.TrimPrefix(name, "flows.")
	name = strings.TrimPrefix(name, "(*conv).")
	return strings.TrimSuffix(name, "-fm")
}

// TestRouting: who gets what, for the inputs where access and state decide.
func TestRouting(t *testing.T) {
	t.Parallel()
	const adminID, userID = 1, 2
	e := New(Config{Admins: []int64{adminID}})
	cmd := func(name string) Input { return Input{Kind: KindCommand, Command: name} }
	press := func(data string) Input { return Input{Kind: KindCallback, Data: data} }
	text := Input{Kind: KindText, Text: "kepemimpinan"}
	doc := Input{Kind: KindDocument, Document: &Document{Name: "Katalog.xlsx"}}
	onboarding := State{Flow: flowOnboarding, Step: string(fNIP)}
	scheduling := State{Flow: flowSchedule, Step: stepScheduleDates, Schedule: &ScheduleDraft{BatchID: 5}}
	tests := []struct {
		name       string
		in         Input
		registered bool
		admin      bool
		st         State
		want       string
	}{
		{"a newcomer browses", cmd("katalog"), false, false, State{}, "openCatalogue"},
		{"a newcomer opens a course", press("k:c:AK-01"), false, false, State{}, "coursePage"},
		{"a newcomer's menu", cmd("menu"), false, false, State{}, "askToRegister"},
		{"a newcomer types", text, false, false, State{}, "askToRegister"},
		{"a newcomer presses the menu", press("m:home"), false, false, State{}, "askToRegister"},
		{"a participant types: a search", text, true, false, State{}, "search"},
		{"a participant's page turn", press("k:l:1::daring"), true, false, State{}, "turnPage"},
		{"an unknown command", cmd("siaran"), true, false, State{}, "unknownCommand"},
		{"an admin command from a participant", cmd("peserta"), true, false, State{}, "unknownCommand"},
		{"an admin command from a newcomer", cmd("ubahjadwal"), false, false, State{}, "askToRegister"},
		{"an admin without a profile", cmd("peserta"), false, true, State{}, "roster"},
		{"a forged admin button", press("j:b:5"), true, false, State{}, "expired"},
		{"a forged results button", press("h:b:AK-01:0"), true, false, State{}, "expired"},
		{"an admin's results button", press("h:b:AK-01:0"), false, true, State{}, "resultsOf"},
		{"/hasil from a participant", cmd("hasil"), true, false, State{}, "unknownCommand"},
		{"a survey answer from a newcomer", press("v:a:1:0:4"), false, false, State{}, "askToRegister"},
		{"a survey answer", press("v:a:1:0:4"), true, false, State{}, "answerButton"},
		{"text typed mid-survey", text, true, false, State{Flow: flowSurvey, Step: stepAnswer, Answering: 1}, "surveyText"},
		{"the menu pressed mid-survey", press("m:home"), true, false, State{Flow: flowSurvey, Step: stepAnswer, Answering: 1}, "leave"},
		{"a survey button mid-survey", press("v:b:1:3"), true, false, State{Flow: flowSurvey, Step: stepAnswer, Answering: 1}, "backButton"},
		{"an admin's batch button", press("j:b:5"), true, true, State{}, "schedulePick"},
		{"an admin's old change button", press("j:q:5"), true, true, State{}, "expired"},
		{"a file from an admin", doc, true, true, State{}, "importDocument"},
		{"a file from a participant", doc, true, false, State{}, "notUnderstood"},
		{"an unknown button", press("zz:1"), true, false, State{}, "expired"},
		{"/batal mid-flow", cmd("batal"), false, false, onboarding, "cancel"},
		{"/start mid-flow", cmd("start"), false, false, onboarding, "start"},
		{"another command mid-registration", cmd("katalog"), false, false, onboarding, "finishFirst"},
		{"an answer mid-registration", text, false, false, onboarding, "fieldAnswer"},
		{"a step from a newer version", text, false, false, State{Flow: flowOnboarding, Step: "x"}, "restartOnboarding"},
		{"a profile edit after the profile is gone", text, false, false, State{Flow: flowProfile, Step: "name"}, "leave"},
		{"dates typed to /ubahjadwal", text, true, true, scheduling, "withDraft"},
		{"the menu pressed mid-change", press("m:home"), true, true, scheduling, "leave"},
		{"another command mid-change", cmd("peserta"), true, true, scheduling, "leave"},
		{"a change by someone no longer admin", text, true, false, scheduling, "leave"},
		{"a confirmation answered in words", text, true, false, State{Flow: flowDelete, Step: stepConfirm}, "deleteStep"},
	}
	for _, tt := range tests {
		in := tt.in
		in.UserID = userID
		if tt.admin {
			in.UserID = adminID
		}
		c := &conv{e: e, in: in, st: tt.st}
		if in.Kind == KindCallback {
			c.data = parseData(in.Data)
		}
		if tt.registered {
			c.p = &Participant{ID: 9}
		}
		if got := handlerName(c.pick()); got != tt.want {
			t.Errorf("%s: routed to %s, want %s", tt.name, got, tt.want)
		}
	}
}

// TestRoutingTable: every line of the table can run, and none is hidden behind an earlier one.
func TestRoutingTable(t *testing.T) {
	t.Parallel()
	tab := routes()
	for name, f := range tab.flows {
		if f.lost == nil || len(f.steps) == 0 {
			t.Errorf("flow %s: no steps or no handler for an unknown step", name)
		}
	}
	seen := map[string]bool{}
	for _, r := range append(append([]route{}, tab.exits...), tab.idle...) {
		if r.do == nil {
			t.Errorf("route %d:%s has no handler", r.kind, r.name)
		}
		key := string(rune('0'+r.kind)) + r.name + string(rune('0'+r.who))
		if seen[key] {
			t.Errorf("route %d:%s is listed twice", r.kind, r.name)
		}
		seen[key] = true
	}
}
