# syntax=docker/dockerfile:1
# Multi-stage build of the native-AOT gateway; the runtime image carries libhs (Hyperscan) and nothing else of note.

FROM mcr.microsoft.com/dotnet/sdk:10.0-bookworm-slim AS build
# Native AOT links with the platform toolchain.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig FastMask.sln ./
COPY src/ src/
# The binary targets x86-64-v3 (AVX2); for older hosts: --build-arg ISA=x86-64-v2.
ARG ISA=x86-64-v3
RUN dotnet publish src/FastMask.Gateway -c Release -o /out -p:IlcInstructionSet=$ISA

FROM debian:12-slim AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libhyperscan5 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home fastmask
COPY --from=build /out/fastmask /usr/local/bin/fastmask
COPY policies/ /etc/fastmask/policies/
USER 10001
EXPOSE 8080 9090
ENTRYPOINT ["/usr/local/bin/fastmask"]
CMD ["serve", "--config", "/etc/fastmask/gateway.json"]
