# Shortcuts; README.md gives the commands themselves.
.PHONY: build run test vet bench ci docker

build:
	CGO_ENABLED=0 go build -trimpath -o bin/asnbot ./cmd/asnbot

run:
	go run ./cmd/asnbot serve

test:
	go test -race -count=1 -timeout 15m ./...

vet:
	go vet ./...

bench:
	go test -run '^$$' -bench . -benchtime 1x -count 5 ./...

ci:
	bash .ci/run

docker:
	docker build -t asnbot:dev .
