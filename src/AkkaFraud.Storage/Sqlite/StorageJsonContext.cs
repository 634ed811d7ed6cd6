using System.Text.Json.Serialization;

namespace AkkaFraud.Storage.Sqlite;

/// <summary>List parameters go to SQLite as JSON arrays (read with <c>json_each</c>), serialised without reflection.</summary>
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(int[]))]
[JsonSerializable(typeof(long[]))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
