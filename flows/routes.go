package flows

import "slices"

// routes is the routing of every conversation, read top to bottom. An input goes to
//  1. the exits, which work everywhere, even in the middle of a conversation;
//  2. the conversation the chat is in (State.Flow): its buttons, then its current step;
//  3. otherwise the idle routes: the first line that takes the input.
//
// who may use a line: anyone; member, a registered participant (anyone else is asked to
// register first); admin (to anyone else the line does not exist). Buttons are named by the
// namespace and action of their callback data (see data.go). A new conversation adds its
// commands and buttons here, and its steps if it has any.
func routes() table {
	return table{
		exits: []route{
			command("batal", anyone, (*conv).cancel),
			command("start", anyone, (*conv).start),
			command("bantuan", anyone, (*conv).helpCommand),
			command("verifikasi", anyone, (*conv).verifyCommand),
		},

		flows: map[string]flow{
			flowOnboarding: {
				who:     anyone,
				command: (*conv).finishFirst,
				buttons: []route{button("nc:f", anyone, (*conv).fileClaim)},
				steps: withFields((*conv).fieldAnswer, map[string]handler{
					stepConsent: (*conv).consentStep,
					stepConfirm: (*conv).confirmStep,
					stepFix:     (*conv).fixStep,
				}),
				lost: (*conv).restartOnboarding,
			},
			flowProfile: {
				who:     member,
				command: (*conv).finishEdit,
				buttons: []route{button("nc:f", member, (*conv).fileClaim)},
				steps:   withFields((*conv).profileAnswer, nil),
				lost:    (*conv).leave,
			},
			flowDelete: {
				who:   anyone,
				steps: map[string]handler{stepConfirm: (*conv).deleteStep},
				lost:  (*conv).leave,
			},
			flowSchedule: {
				who:     admin,
				command: (*conv).leave, // another command leaves the unsaved change behind
				buttons: []route{
					button(nsSchedule, admin, withDraft((*conv).scheduleButton)),
					button("", anyone, (*conv).leave), // a button of another screen, likewise
				},
				steps: map[string]handler{
					stepScheduleMenu:   (*conv).useButtons,
					stepScheduleDates:  withDraft((*conv).scheduleDates),
					stepSchedulePlace:  withDraft((*conv).schedulePlace),
					stepSchedulePeek:   (*conv).useButtons,
					stepScheduleCancel: (*conv).useButtons,
					stepScheduleSurvey: (*conv).useButtons,
				},
				lost: (*conv).useButtons,
			},
			flowAnnounce: {
				who:     staff,
				command: (*conv).leave, // another command leaves the draft behind
				buttons: []route{
					// The buttons of announcements already made work here too, as when idle.
					button("sr:h", staff, (*conv).stopAnnouncement),
					button("sr:c", staff, (*conv).askCancelScheduled),
					button("sr:cy", staff, (*conv).cancelScheduled),
					button(nsAnnounce, staff, withAnnounce((*conv).announceButton)),
					button("", anyone, (*conv).leave),
				},
				steps: map[string]handler{
					stepAnnAudience: (*conv).useButtons,
					stepAnnCode:     withAnnounce((*conv).announceCode),
					stepAnnBatch:    (*conv).useButtons,
					stepAnnStatus:   (*conv).useButtons,
					stepAnnAgency:   (*conv).useButtons,
					stepAnnBody:     withAnnounce((*conv).announceBody),
					stepAnnPeek:     (*conv).useButtons,
					stepAnnAt:       withAnnounce((*conv).announceAt),
					stepAnnNight:    withAnnounce((*conv).announceAt), // another time may be typed
				},
				lost: (*conv).leave,
			},
			flowStaff: {
				who:     admin,
				command: (*conv).leave,
				buttons: []route{button("", anyone, (*conv).leave)},
				steps:   map[string]handler{stepStaffWho: (*conv).staffWho},
				lost:    (*conv).leave,
			},
			flowRevoke: {
				who:     admin,
				command: (*conv).leave,
				buttons: []route{button("", anyone, (*conv).leave)},
				steps:   map[string]handler{stepRevokeReason: (*conv).revokeReason},
				lost:    (*conv).leave,
			},
			flowExternal: {
				who:     member,
				command: (*conv).leave,
				buttons: []route{
					button(nsExternal, member, withExternal((*conv).externalButton)),
					button("", anyone, (*conv).leave),
				},
				steps: map[string]handler{
					stepExTitle:     withExternal((*conv).externalText),
					stepExOrganiser: withExternal((*conv).externalText),
					stepExDates:     withExternal((*conv).externalDates),
					stepExJP:        withExternal((*conv).externalJP),
					stepExFile:      withExternal((*conv).externalFile),
					stepExConfirm:   (*conv).useButtons,
				},
				lost: (*conv).leave,
			},
			flowRefuseExternal: {
				who:     admin,
				command: (*conv).leave,
				buttons: []route{button("", anyone, (*conv).leave)},
				steps:   map[string]handler{stepRefuseReason: (*conv).refusalReason},
				lost:    (*conv).leave,
			},
			flowSurvey: {
				who:     member,
				command: (*conv).leave, // the answers are kept: /survei takes the survey up again
				buttons: append(surveyButtons(), button("", anyone, (*conv).leave)),
				steps:   map[string]handler{stepAnswer: (*conv).surveyText},
				lost:    (*conv).leave,
			},
		},

		idle: slices.Concat([]route{
			// A registration started again after its draft expired (draftEnded).
			button(nsOnboarding+":restart", anyone, (*conv).restartOnboarding),

			// The catalogue: browsing needs no profile; enrolling asks for one.
			command("katalog", anyone, (*conv).openCatalogue),
			button("k:l", anyone, (*conv).turnPage),
			button("k:s", anyone, (*conv).turnPage),
			button("k:fc", anyone, (*conv).categoryChooser),
			button("k:fm", anyone, (*conv).methodChooser),
			button("k:c", anyone, (*conv).coursePage),
			button("k:b", anyone, (*conv).confirmEnrol),
			button("k:y", anyone, (*conv).enrol),
			button(nsBrowse, anyone, (*conv).expired),

			// Staff: the admin menu, announcements, admins and operators, the audit log.
			command("admin", staff, (*conv).adminCommand),
			button("adm:home", staff, (*conv).adminHome),
			button("adm:siaran", staff, (*conv).announceFromMenu),
			button("adm:terjadwal", staff, (*conv).scheduledPage),
			button("adm:peserta", staff, (*conv).adminHowTo),
			button("adm:hasil", staff, (*conv).adminHowTo),
			button("adm:katalog", admin, (*conv).adminHowTo),
			button("adm:jadwal", admin, (*conv).adminHowTo),
			button("adm:staf", admin, (*conv).staffPage),
			button("adm:audit", admin, (*conv).auditPage),
			button("adm:auditx", admin, (*conv).auditLast30),
			button("adm:klaim", admin, (*conv).claimsPage),
			button(nsAdmin, staff, (*conv).expired),
			command("siaran", staff, (*conv).announceCommand),
			button("sr:h", staff, (*conv).stopAnnouncement),
			button("sr:c", staff, (*conv).askCancelScheduled),
			button("sr:cy", staff, (*conv).cancelScheduled),
			button(nsAnnounce, staff, (*conv).expired), // a button of a wizard finished or left
			button("st:list", admin, (*conv).staffPage),
			button("st:add", admin, (*conv).staffAdd),
			button("st:x", admin, (*conv).staffAskRemove),
			button("st:y", admin, (*conv).staffRemove),
			button(nsStaff, admin, (*conv).expired),
			command("audit", admin, (*conv).auditCommand),

			// NIP claims: a claimant's button outside the conversation it belonged to is old;
			// admins compare both accounts and decide.
			button("nc:f", anyone, (*conv).expired),
			button("nc:v", admin, (*conv).claimPage),
			button("nc:k", admin, (*conv).decideClaim),
			button("nc:g", admin, (*conv).decideClaim),
			button(nsClaim, admin, (*conv).expired),

			// The catalogue, batches and results.
			command("peserta", staff, (*conv).roster),
			command("ubahjadwal", admin, (*conv).scheduleCommand),
			button("j:b", admin, (*conv).schedulePick),
			button(nsSchedule, admin, (*conv).expired), // a button of a change saved or closed
			command("rekapjp", staff, (*conv).jpRecap),
			command("presensi", staff, (*conv).attendanceCommand),
			button("pr:b", staff, (*conv).attendancePick),
			button("pr:r", staff, (*conv).attendanceRefresh),
			button("pr:m", staff, (*conv).attendanceMissing),
			button("pr:t", staff, (*conv).attendanceMarkList),
			button("pr:h", staff, (*conv).attendanceMark),
			button("pr:x", staff, (*conv).attendanceClose),
			button(nsAttend, staff, (*conv).expired),
			command("siasn", staff, (*conv).siasnExport),
			button("sf:b", staff, (*conv).siasnPick),
			button("sf:x", admin, (*conv).askRevoke),
			button(nsCert, staff, (*conv).expired),
			command("verifikasijp", admin, (*conv).externalQueue),
			button("pv:n", admin, (*conv).externalQueue),
			button("pv:ok", admin, (*conv).approveExternal),
			button("pv:no", admin, (*conv).askRefusal),
			button(nsReview, admin, (*conv).expired),
			command("hasil", staff, (*conv).results),
			button("h:b", staff, (*conv).resultsOf),
			button(nsResults, staff, (*conv).expired),
			input(KindDocument, admin, (*conv).importDocument),

			// The main menu and what it opens.
			command("menu", member, (*conv).showMenu),
			button("m:home", member, (*conv).backToMenu),
			button("m:katalog", member, (*conv).catalogueFromMenu),
			button("m:bantuan", member, (*conv).helpFromMenu),

			// Pelatihan Saya.
			command("saya", member, (*conv).myTrainingsCommand),
			button("m:saya", member, (*conv).myTrainingsPage),
			button("s:l", member, (*conv).myTrainingsPage),
			button("s:d", member, (*conv).trainingDetail),
			button("s:k", member, (*conv).calendarAgain),
			button("s:ok", member, (*conv).confirmSeat),
			button("s:c", member, (*conv).certificateAgain),
			button("s:sa", member, (*conv).siasnCard),
			button("s:x", member, (*conv).askCancel),
			command("jp", member, (*conv).jpCommand),
			button("s:jp", member, (*conv).jpPage),
			button("jp:off", member, (*conv).jpNudgeSwitch),
			button("jp:on", member, (*conv).jpNudgeSwitch),
			button("jp:add", member, (*conv).startExternal),
			command("catatpelatihan", member, (*conv).startExternal),
			button(nsExternal, member, (*conv).expired), // a button of a record sent or left
			button(nsJP, member, (*conv).expired),
			button("s:y", member, (*conv).cancelEnrolment),

			// The profile.
			command("profil", member, (*conv).showProfile),
			button("m:profil", member, (*conv).profilePage),
			button("p:show", member, (*conv).profilePage),
			button("p:edit", member, (*conv).profileFixChooser),
			button("p:f", member, (*conv).startProfileEdit),
			button("p:del", member, (*conv).askDelete),
			command("hapusdata", anyone, (*conv).askDelete), // a claimant not registered has data too

			// The evaluation.
			command("survei", member, (*conv).surveysCommand),
			button("m:survei", member, (*conv).surveysFromMenu),
		}, surveyButtons(), []route{

			// Reminders.
			command("pengingat", member, (*conv).showReminderSetting),
			button("r:on", member, (*conv).switchReminders),
			button("r:off", member, (*conv).switchReminders),

			// Fallbacks.
			input(KindCallback, member, (*conv).expired),
			input(KindCommand, member, (*conv).unknownCommand),
			input(KindText, member, (*conv).search), // typed words while nothing is asked: a search
			input(0, member, (*conv).notUnderstood),
		}),
	}
}

// surveyButtons are the buttons of a survey being answered: the same whether or not the chat
// is in the survey's flow, since each names its enrolment and question.
func surveyButtons() []route {
	return []route{
		button("v:o", member, (*conv).openSurvey),
		button("v:a", member, (*conv).answerButton),
		button("v:t", member, (*conv).toggleButton),
		button("v:n", member, (*conv).nextButton),
		button("v:s", member, (*conv).skipButton),
		button("v:b", member, (*conv).backButton),
		button("v:k", member, (*conv).submitButton),
		button(nsSurvey, member, (*conv).expired),
	}
}

// withFields maps every profile field's step to h, besides the steps given.
func withFields(h handler, steps map[string]handler) map[string]handler {
	out := make(map[string]handler, len(steps)+len(profileFields))
	for _, f := range profileFields {
		out[string(f)] = h
	}
	for k, v := range steps {
		out[k] = v
	}
	return out
}
