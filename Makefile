# Shortcuts; README.md gives the commands themselves.
.PHONY: build run test vet bench bench-delivery fault fuzz ci docker

# bash with pipefail, so that a recipe piping go test into a filter fails when go test does.
SHELL := bash
.SHELLFLAGS := -o pipefail -c

build:
	CGO_ENABLED=0 go build -trimpath -o bin/asnbot ./cmd/asnbot

run:
	go run ./cmd/asnbot serve

test:
	go test -race -count=1 -timeout 15m ./...

vet:
	go vet ./...

# The load harness (about a minute): onboarding, paging, search, an enrolment burst and the
# survey on our bot, an answer-only bot and the grammY peer (npm install in
# ../shared/peers/grammy once), one table of medians. Then the single-purpose benchmarks.
bench:
	go test -run '^$$' -bench '^BenchmarkLoad$$' -benchtime 1x -timeout 30m ./cmd/asnbot/
	go test -run '^$$' -bench 'PagingVsGrammy|OpenConversations' -benchtime 1x -timeout 30m ./cmd/asnbot/
	ASNBOT_BENCH_USERS=200 go test -run '^$$' -bench SurveyAnswers -benchtime 1x -count 3 -timeout 30m ./cmd/asnbot/
	go test -run '^$$' -bench EnrolBurst -benchtime 1x -count 3 -timeout 30m ./cmd/asnbot/
	go test -run '^$$' -bench EnrolConcurrent -benchtime 1x -count 3 ./storage/

# What the bot sends on its own, at Telegram's limits (about 15 minutes): 10,000 reminders due
# at once, one announcement to 10,000 people.
bench-delivery:
	go test -run '^$$' -bench 'ReminderBurst|Announcement' -benchtime 1x -timeout 60m ./cmd/asnbot/

# The fault suite (a few minutes): every TestFault case, the slow ones behind the build tag
# "fault" included. Prints the table (one FAULT line a case) and the outcome; fails when a case
# fails. The cases start their own PostgreSQL and Redis to stop (postgresql and redis-server
# installed), besides the shared ones the other tests use.
fault:
	go test -count=1 -tags fault -run '^TestFault' -v -timeout 20m ./cmd/asnbot/ 2>&1 | grep -E '^(FAULT|--- FAIL|FAIL|ok)'

# Every fuzz target in turn, FUZZTIME each (3 minutes by default: about half an hour in all).
# What a target finds is written to its package's testdata/fuzz, which go test then replays.
FUZZTIME ?= 3m
FUZZ_PACKAGES := ./flows/ ./flows/asn/ ./flows/catalogfile/ ./flows/survey/
fuzz:
	for pkg in $(FUZZ_PACKAGES); do \
	  for target in $$(go test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$target"; \
	    go test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) -parallel 1 $$pkg 2>&1 | awk '/^fuzz: elapsed/ {last = $$0; next} {print} END {print last}' || exit 1; \
	  done; \
	done

ci:
	bash .ci/run

docker:
	docker build -t asnbot:dev .
