# Multi-stage: build a static binary (migrations and locales are embedded), run it as a
# non-root user in a minimal image.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/asnbot ./cmd/asnbot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/asnbot /asnbot
USER nonroot:nonroot
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --retries=3 CMD ["/asnbot", "health"]
ENTRYPOINT ["/asnbot"]
CMD ["serve"]
