using AkkaFraud.EndToEnd.Tests.Support;

namespace AkkaFraud.EndToEnd.Tests;

/// <summary>
/// What can be checked of the compose deployment without a Docker engine: the compose file is valid as docker-compose
/// reads it, it runs the services the README promises, and the Dockerfile copies only what exists.
/// </summary>
public sealed class The_compose_deployment
{
    [Fact]
    public async Task Is_a_valid_compose_file_with_kafka_its_topic_init_postgresql_a_web_node_and_three_scorers()
    {
        (await Tool.RunAsync("docker-compose", ["config", "-q"], Repository.Root, TimeSpan.FromMinutes(1))).ShouldSucceed("docker-compose config -q");

        var services = (await Tool.RunAsync("docker-compose", ["config", "--services"], Repository.Root, TimeSpan.FromMinutes(1)))
            .ShouldSucceed("docker-compose config --services").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["kafka", "kafka-init", "postgres", "scorer", "web"], services.Order(StringComparer.Ordinal));

        var config = (await Tool.RunAsync("docker-compose", ["config"], Repository.Root, TimeSpan.FromMinutes(1))).ShouldSucceed("docker-compose config").Output;
        Assert.Matches(@"scorer:(.|\n)*?replicas: 3", config);
        // kafka-init creates the transactions topic with as many partitions as the nodes are told there are.
        var created = System.Text.RegularExpressions.Regex.Match(config, @"transactions:(\d+) ").Groups[1].Value;
        var told = System.Text.RegularExpressions.Regex.Matches(config, @"Fraud__Partitions: '(\d+)'").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Equal([created], told);
    }

    [Fact]
    public void The_dockerfile_copies_only_paths_that_exist()
    {
        var dockerfile = File.ReadAllLines(Repository.File("Dockerfile"));
        var sources = dockerfile
            .Where(line => line.StartsWith("COPY ", StringComparison.Ordinal) && !line.Contains("--from=", StringComparison.Ordinal))
            .SelectMany(line => line["COPY ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1))
            .ToList();

        Assert.NotEmpty(sources);
        var missing = sources.Where(source => !File.Exists(Repository.File(source)) && !Directory.Exists(Repository.File(source))).ToList();
        Assert.True(missing.Count == 0, $"the Dockerfile copies what the repository does not have: {string.Join(", ", missing)}");

        // The restore layer needs every project the node references, before the sources are copied.
        var copiedProjects = sources.Where(s => s.EndsWith(".csproj", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var needed = ProjectClosure(Repository.File("src", "AkkaFraud.Node", "AkkaFraud.Node.csproj"))
            .Select(p => Path.GetRelativePath(Repository.Root, p).Replace('\\', '/'));
        var notCopied = needed.Where(p => !copiedProjects.Contains(p)).ToList();
        Assert.True(notCopied.Count == 0, $"the Dockerfile's restore layer lacks {string.Join(", ", notCopied)}");
    }

    private static HashSet<string> ProjectClosure(string project, HashSet<string>? seen = null)
    {
        seen ??= new HashSet<string>(StringComparer.Ordinal);
        if (seen.Add(Path.GetFullPath(project)))
        {
            foreach (var reference in System.Xml.Linq.XDocument.Load(project).Descendants("ProjectReference"))
            {
                var path = reference.Attribute("Include")!.Value.Replace('\\', Path.DirectorySeparatorChar);
                ProjectClosure(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, path)), seen);
            }
        }

        return seen;
    }
}
