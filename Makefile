# Shortcuts; README.md gives the commands themselves.
.PHONY: build run test vet bench bench-delivery ci docker

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

ci:
	bash .ci/run

docker:
	docker build -t asnbot:dev .
