using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AkkaFraud.Node.Tests.Support;
using AkkaFraud.Simulator;
using AkkaFraud.Streams.Kafka;
using Confluent.Kafka;

namespace AkkaFraud.Node.Tests;

/// <summary>
/// What an operator does with dead letters over HTTP on an embedded node: list and filter them page by page, read one
/// with its payload made safe to show, and produce the ones today's parser accepts to the transactions topic again.
/// </summary>
public sealed class Dead_letter_api
{
    [Fact]
    public async Task Dead_letters_are_listed_filtered_and_paged_shown_safely_and_replayed_once_their_records_parse()
    {
        await using var node = await TestNode.StartAsync("Simulator:Enabled=false");
        var kafka = node.Node.Settings.Kafka;

        // A valid transaction from a producer whose clock ran an hour behind: its event time is "far in the future" of
        // its Kafka timestamp. Replayed with a correct timestamp, it parses.
        var simulated = new TrafficSimulator(new SimulatorOptions { Seed = 3, Accounts = 10, FraudShare = 0, InvalidShare = 0 }).Records().First();
        var json = JsonNode.Parse(simulated.Value)!.AsObject();
        json["eventTime"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var skewed = Encoding.UTF8.GetBytes(json.ToJsonString());
        var notUtf8 = new byte[] { 0xFF, 0xFE, (byte)'{', 0xC3 };
        var markup = "{\"transactionId\": \"<script>alert('x')</script>\", \"note\": \"\u00e9\\\"quoted\\\"\"}"u8.ToArray();
        var malformed = Enumerable.Range(0, 5).Select(i => Encoding.UTF8.GetBytes($"not json {i}")).ToList();

        var offsets = new Dictionary<string, (int Partition, long Offset)>();
        using (var producer = KafkaProducer.Create(kafka))
        {
            async Task Produce(string name, byte[] value, DateTime? timestamp = null)
            {
                var delivered = await producer.ProduceAsync(kafka.TransactionsTopic, new Message<byte[]?, byte[]?>
                {
                    Key = Encoding.UTF8.GetBytes(name), Value = value, Timestamp = new Timestamp(timestamp ?? DateTime.UtcNow),
                });
                offsets[name] = (delivered.Partition.Value, delivered.Offset.Value);
            }

            await Produce("skewed", skewed, DateTime.UtcNow.AddHours(-1));
            await Produce("not-utf8", notUtf8);
            await Produce("markup", markup);
            for (var i = 0; i < malformed.Count; i++)
            {
                await Produce($"malformed-{i}", malformed[i]);
            }
        }

        var total = offsets.Count;
        await Eventually.TrueAsync(async () => (await node.Store.GetTotalsAsync()).DeadLetters == total, TimeSpan.FromMinutes(1), "every record dead-lettered");

        // Every letter, two per page, each once.
        var listed = new List<JsonElement>();
        string? next = null;
        do
        {
            var page = await node.Http.GetFromJsonAsync<JsonElement>(new Uri("/api/dead-letters?limit=2" + (next is null ? "" : "&after=" + next), UriKind.Relative));
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(items.Count, 1, 2);
            listed.AddRange(items);
            next = page.GetProperty("next").GetString();
        }
        while (next is not null);
        Assert.Equal(offsets.Values.Order(), listed.Select(Coordinates).Order());
        Assert.All(listed, l => Assert.Equal(kafka.TransactionsTopic, l.GetProperty("topic").GetString()));

        var future = (await node.Http.GetFromJsonAsync<JsonElement>(new Uri("/api/dead-letters?reason=future_event_time", UriKind.Relative))).GetProperty("items");
        Assert.Equal([offsets["skewed"]], future.EnumerateArray().Select(Coordinates));
        var (markupPartition, markupOffset) = offsets["markup"];
        var onPartition = (await node.Http.GetFromJsonAsync<JsonElement>(new Uri($"/api/dead-letters?partition={markupPartition}&limit=1000", UriKind.Relative))).GetProperty("items");
        Assert.Equal(offsets.Values.Where(o => o.Partition == markupPartition).Order(), onPartition.EnumerateArray().Select(Coordinates).Order());

        // One by one: text stays text (JSON escapes it on the wire), bytes that are not UTF-8 come as hex.
        var shownMarkup = await Detail(node, offsets["markup"]);
        Assert.Equal("utf-8", shownMarkup.GetProperty("payloadEncoding").GetString());
        Assert.Equal(Encoding.UTF8.GetString(markup), shownMarkup.GetProperty("payload").GetString());
        Assert.False(shownMarkup.GetProperty("parsesNow").GetBoolean());
        var shownBytes = await Detail(node, offsets["not-utf8"]);
        Assert.Equal("hex", shownBytes.GetProperty("payloadEncoding").GetString());
        Assert.Equal("fffe7bc3", shownBytes.GetProperty("payload").GetString());
        Assert.Equal("fffe7bc3", shownBytes.GetProperty("letter").GetProperty("preview").GetString());
        Assert.True((await Detail(node, offsets["skewed"])).GetProperty("parsesNow").GetBoolean());
        using (var missing = await node.Http.GetAsync(new Uri($"/api/dead-letters/{markupPartition}/{markupOffset + 1_000_000}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        // Replay: the skewed record goes back and is scored; the markup is still invalid and stays a dead letter.
        using var badRequest = await node.Admin.PostAsJsonAsync(new Uri("/api/dead-letters/replay", UriKind.Relative), new { letters = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.BadRequest, badRequest.StatusCode);
        Assert.Contains("'letters'", await badRequest.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var replay = await node.Admin.PostAsJsonAsync(new Uri("/api/dead-letters/replay", UriKind.Relative), new
        {
            letters = new[] { offsets["skewed"], offsets["markup"] }.Select(o => new { partition = o.Partition, offset = o.Offset }),
        });
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var result = await replay.Content.ReadFromJsonAsync<JsonElement>();
        var replayed = Assert.Single(result.GetProperty("replayed").EnumerateArray());
        var transactionId = json["transactionId"]!.GetValue<string>();
        Assert.Equal(transactionId, replayed.GetProperty("transactionId").GetString());
        Assert.Equal(KafkaPartitioner.PartitionFor(json["accountId"]!.GetValue<string>(), node.Node.Settings.Fraud.Partitions), replayed.GetProperty("toPartition").GetInt32());
        var skipped = Assert.Single(result.GetProperty("skipped").EnumerateArray());
        Assert.Equal(offsets["markup"], (skipped.GetProperty("partition").GetInt32(), skipped.GetProperty("offset").GetInt64()));
        Assert.StartsWith("still rejected", skipped.GetProperty("reason").GetString(), StringComparison.Ordinal);

        await Eventually.TrueAsync(async () => await node.Store.GetTransactionAsync(transactionId) is not null, TimeSpan.FromMinutes(1), "the replayed transaction stored");
        var totals = await node.Store.GetTotalsAsync();
        Assert.Equal((1, total), (totals.Transactions, totals.DeadLetters));
    }

    private static (int Partition, long Offset) Coordinates(JsonElement letter) =>
        (letter.GetProperty("partition").GetInt32(), letter.GetProperty("offset").GetInt64());

    private static Task<JsonElement> Detail(TestNode node, (int Partition, long Offset) at) =>
        node.Http.GetFromJsonAsync<JsonElement>(new Uri($"/api/dead-letters/{at.Partition}/{at.Offset}", UriKind.Relative));
}

/// <summary>The list's preview of a payload.</summary>
public sealed class Dead_letter_preview
{
    [Fact]
    public void A_long_text_whose_cut_falls_inside_a_character_is_previewed_as_text()
    {
        // 479 ASCII bytes, then "é" (two bytes) across the 480-byte cut the preview decodes at most.
        var payload = System.Text.Encoding.UTF8.GetBytes(new string('a', 479) + "éé and more text");

        Assert.Equal(new string('a', 120), AkkaFraud.Node.Apis.DeadLettersApi.Preview(payload));
        Assert.Equal("fffe", AkkaFraud.Node.Apis.DeadLettersApi.Preview([0xFF, 0xFE]));
    }
}
