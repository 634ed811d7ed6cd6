using AkkaFraud.Domain;
using AkkaFraud.Storage.Internal;
using Microsoft.Extensions.Configuration;

namespace AkkaFraud.Storage.Tests;

public sealed class SettingsTests
{
    [Fact]
    public void Settings_bind_from_the_storage_configuration_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["Storage:ConnectionString"] = "Host=db;Username=fraud;Password=s3cret",
            ["Storage:CommandTimeout"] = "00:00:30",
            ["Storage:IdleInTransactionTimeout"] = "00:00:05",
            ["Storage:Retry:MaxAttempts"] = "12",
            ["Storage:Retry:InitialBackoff"] = "00:00:00.250",
            ["Storage:Retry:MaxBackoff"] = "00:00:10",
        }).Build();

        var settings = FraudStoreSettings.FromConfiguration(configuration.GetSection(FraudStoreSettings.SectionName));

        Assert.Equal(StoreProvider.PostgreSql, settings.Provider);
        Assert.Equal("Host=db;Username=fraud;Password=s3cret", settings.ConnectionString);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.CommandTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.IdleInTransactionTimeout);
        Assert.Equal((12, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10)),
            (settings.Retry.MaxAttempts, settings.Retry.InitialBackoff, settings.Retry.MaxBackoff));
    }

    [Fact]
    public void No_settings_mean_the_embedded_mode_sqlite_file()
    {
        var settings = FraudStoreSettings.FromConfiguration(new ConfigurationBuilder().Build().GetSection(FraudStoreSettings.SectionName));

        Assert.Equal(StoreProvider.Sqlite, settings.Provider);
        Assert.Equal("Data Source=data/akkafraud.db", settings.ConnectionString);
    }

    [Theory]
    [InlineData("Sqlite", "Host=db;Username=fraud;Password=s3cret", "Storage:ConnectionString")]
    [InlineData("PostgreSql", "Data Source=fraud.db;Password=s3cret", "Storage:ConnectionString")]
    [InlineData("PostgreSql", "", "Storage:ConnectionString")]
    [InlineData("PostgreSql", "Host=db;Password=s3cret", "Storage:Retry:MaxAttempts", "0")]
    public async Task Invalid_settings_name_the_setting_and_never_the_password(string provider, string connectionString, string named, string maxAttempts = "3")
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = provider,
            ["Storage:ConnectionString"] = connectionString,
            ["Storage:Retry:MaxAttempts"] = maxAttempts,
        }).Build();
        var section = configuration.GetSection(FraudStoreSettings.SectionName);

        var error = Assert.ThrowsAny<ArgumentException>(() => FraudStoreSettings.FromConfiguration(section));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.ToString(), StringComparison.Ordinal);

        var settings = new FraudStoreSettings();
        section.Bind(settings);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => FraudStoreFactory.CreateAsync(settings));
    }

    [Fact]
    public void Stored_type_and_channel_names_are_the_wire_names()
    {
        foreach (var type in Enum.GetValues<TransactionType>())
        {
            foreach (var channel in Enum.GetValues<Channel>())
            {
                var transaction = TestData.Scored("t-1").Transaction with { Type = type, Channel = channel };
                using var json = System.Text.Json.JsonDocument.Parse(TransactionJson.Serialize(transaction));

                Assert.Equal(json.RootElement.GetProperty("type").GetString(), Domain.WireNames.Type(type));
                Assert.Equal(json.RootElement.GetProperty("channel").GetString(), Domain.WireNames.Channel(channel));
                Assert.Equal(type, StoredNames.ParseType(Domain.WireNames.Type(type)));
                Assert.Equal(channel, StoredNames.ParseChannel(Domain.WireNames.Channel(channel)));
            }
        }

        Assert.All(Enum.GetValues<RuleKind>(), k => Assert.Equal(k, StoredNames.ParseRuleKind(Domain.WireNames.RuleKind(k))));
        Assert.All(Enum.GetValues<Decision>(), d => Assert.Equal(d, StoredNames.ParseDecision(Domain.WireNames.Decision(d))));
    }
}
