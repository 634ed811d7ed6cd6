using System.Globalization;

namespace AkkaFraud.Storage.Internal;

/// <summary>The positional parameters of a query built piece by piece: each value added yields its placeholder.</summary>
internal sealed class QueryParameters
{
    private readonly List<object> _values = [];

    /// <summary>Adds <paramref name="value"/> and returns its placeholder ($1, $2, …).</summary>
    public string Add(object value)
    {
        _values.Add(value);
        return "$" + _values.Count.ToString(CultureInfo.InvariantCulture);
    }

    public object[] Values => [.. _values];
}
