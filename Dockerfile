# A small image with kpipress alone: built in Rust's image, run on distroless's C
# runtime (glibc and libgcc, no shell). Fonts are embedded in the binary, and kpipress
# needs no network. Usage:
#   docker build -t kpipress .
#   docker run --rm -v "$PWD:/specs" -w /specs kpipress build 'clients/*.yaml' --out out
# The build compiles polars and typst: 25-40 minutes on 2 cores.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked && strip target/release/kpipress

FROM gcr.io/distroless/cc-debian12
COPY --from=build /src/target/release/kpipress /usr/local/bin/kpipress
ENTRYPOINT ["/usr/local/bin/kpipress"]
