# Build a static wattson binary, then ship it alone in a distroless image
# that runs as a non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN mkdir -p /out/data && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/wattson ./cmd/wattson

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/wattson /usr/local/bin/wattson
COPY --from=build --chown=65532:65532 /out/data /var/lib/wattson
ENV WATTSON_DATA_DIR=/var/lib/wattson
WORKDIR /var/lib/wattson
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/wattson"]
CMD ["serve"]
