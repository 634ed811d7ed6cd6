using AkkaFraud.TestSupport;
using Npgsql;

namespace AkkaFraud.Storage.Tests;

public sealed class PostgresFixtureTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Fixture_gives_each_test_class_its_own_database_on_a_real_server()
    {
        await using var connection = await database.OpenAsync();
        await using var current = new NpgsqlCommand("SELECT current_database()", connection);
        Assert.Equal(database.Name, await current.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Rows_round_trip_through_the_real_server()
    {
        await using var connection = await database.OpenAsync();
        await using (var create = new NpgsqlCommand(
            "CREATE TABLE round_trip (id int PRIMARY KEY, text text NOT NULL, amount numeric(18,2) NOT NULL)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (var insert = new NpgsqlCommand("INSERT INTO round_trip VALUES (@id, @text, @amount)", connection))
        {
            insert.Parameters.AddWithValue("id", 1);
            insert.Parameters.AddWithValue("text", "<img src=x onerror=alert(1)> ' \" ü 💳");
            insert.Parameters.AddWithValue("amount", 9000.01m);
            await insert.ExecuteNonQueryAsync();
        }

        await using var select = new NpgsqlCommand("SELECT text, amount FROM round_trip WHERE id = 1", connection);
        await using var reader = await select.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("<img src=x onerror=alert(1)> ' \" ü 💳", reader.GetString(0));
        Assert.Equal(9000.01m, reader.GetDecimal(1));
    }
}
