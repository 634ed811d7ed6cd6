# syntax=docker/dockerfile:1
# The AkkaFraud node: one image for every role (scorer, web). Build: docker build -t akkafraud .
# The same steps without Docker: tests/AkkaFraud.EndToEnd.Tests publishes the node this way and starts it.

# ---- 1. The dashboard (TypeScript + Vite) into src/AkkaFraud.Node/wwwroot ---------------------------------
FROM node:20-bookworm-slim AS dashboard
WORKDIR /src/src/AkkaFraud.Dashboard
COPY src/AkkaFraud.Dashboard/package.json src/AkkaFraud.Dashboard/package-lock.json ./
COPY src/AkkaFraud.Dashboard/codegen/package.json codegen/
RUN npm ci --no-audit --no-fund
COPY src/AkkaFraud.Dashboard/ ./
RUN npm run build

# ---- 2. The node, published with the dashboard it was given ---------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS publish
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/AkkaFraud.Domain/AkkaFraud.Domain.csproj src/AkkaFraud.Domain/
COPY src/AkkaFraud.Storage/AkkaFraud.Storage.csproj src/AkkaFraud.Storage/
COPY src/AkkaFraud.Streams.Kafka/AkkaFraud.Streams.Kafka.csproj src/AkkaFraud.Streams.Kafka/
COPY src/AkkaFraud.Simulator/AkkaFraud.Simulator.csproj src/AkkaFraud.Simulator/
COPY src/AkkaFraud.Cluster/AkkaFraud.Cluster.csproj src/AkkaFraud.Cluster/
COPY src/AkkaFraud.Node/AkkaFraud.Node.csproj src/AkkaFraud.Node/
RUN dotnet restore src/AkkaFraud.Node/AkkaFraud.Node.csproj
COPY hocon/ hocon/
COPY src/ src/
COPY --from=dashboard /src/src/AkkaFraud.Node/wwwroot/ src/AkkaFraud.Node/wwwroot/
RUN dotnet publish src/AkkaFraud.Node/AkkaFraud.Node.csproj -c Release --no-restore -o /app -p:SkipDashboardBuild=true

# ---- 3. The runtime: ASP.NET Core, non-root --------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=publish /app ./
# The image's unprivileged user (uid 1654); the embedded mode's SQLite file needs a directory it may write.
RUN mkdir -p /app/data && chown app /app/data
USER app
ENV ASPNETCORE_URLS=http://+:5080
EXPOSE 5080 4053
# Ready = the actor system runs, this node is Up in the cluster, the warehouse answers and, on a scorer, the
# pipeline runs. No curl in the runtime image: bash speaks enough HTTP for a status line.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/5080 && printf 'GET /ready HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "AkkaFraud.Node.dll"]
