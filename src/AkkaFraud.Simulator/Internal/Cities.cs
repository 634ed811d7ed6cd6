namespace AkkaFraud.Simulator.Internal;

/// <summary>
/// A place where cards are used. Coordinates are the city centre; offsets are standard time (no daylight saving: the
/// rhythm of a day does not need it). <see cref="HomeWeight"/> &gt; 0 marks the bank's home market, where accounts live;
/// <see cref="TravelWeight"/> is how popular the city is as a destination.
/// </summary>
internal sealed record City(int Index, string Name, string Country, double Latitude, double Longitude, int UtcOffsetMinutes, double HomeWeight, double TravelWeight)
{
    /// <summary>The account currency of customers living here (the simulated bank books in EUR, GBP or CHF).</summary>
    public string Currency => Country switch { "GB" => "GBP", "CH" => "CHF", _ => "EUR" };

    /// <summary>What one euro of spending is in <see cref="Currency"/>, roughly.</summary>
    public double PerEuro => Country switch { "GB" => 0.85, "CH" => 0.94, _ => 1.0 };
}

/// <summary>
/// The world the simulated bank's customers live in and travel to: its home market is the euro area, the UK and
/// Switzerland; destinations span every continent, so that legitimate long-haul travel exists beside card fraud abroad.
/// </summary>
internal static class Cities
{
    public static IReadOnlyList<City> All { get; } = Build(
    [
        // Home market: name, country, lat, lon, UTC offset (min), home weight (≈ metro population, millions), travel weight.
        ("Berlin", "DE", 52.520, 13.405, 60, 3.7, 3),
        ("Hamburg", "DE", 53.551, 9.993, 60, 1.9, 1),
        ("Munich", "DE", 48.137, 11.575, 60, 1.5, 2),
        ("Cologne", "DE", 50.938, 6.960, 60, 1.1, 1),
        ("Frankfurt", "DE", 50.110, 8.682, 60, 0.8, 1),
        ("Stuttgart", "DE", 48.776, 9.183, 60, 0.6, 0.5),
        ("Leipzig", "DE", 51.340, 12.375, 60, 0.6, 0.5),
        ("Paris", "FR", 48.857, 2.352, 60, 11, 8),
        ("Lyon", "FR", 45.764, 4.836, 60, 2.3, 1),
        ("Marseille", "FR", 43.297, 5.370, 60, 1.8, 1.5),
        ("Toulouse", "FR", 43.605, 1.444, 60, 1.4, 0.8),
        ("Nice", "FR", 43.710, 7.262, 60, 1.0, 2),
        ("Bordeaux", "FR", 44.838, -0.579, 60, 1.0, 1),
        ("Madrid", "ES", 40.417, -3.704, 60, 6.7, 4),
        ("Barcelona", "ES", 41.385, 2.173, 60, 5.6, 6),
        ("Valencia", "ES", 39.470, -0.376, 60, 1.6, 2),
        ("Seville", "ES", 37.389, -5.984, 60, 1.5, 2),
        ("Palma", "ES", 39.570, 2.650, 60, 0.5, 4),
        ("Santa Cruz de Tenerife", "ES", 28.464, -16.251, 0, 0.2, 3),
        ("Rome", "IT", 41.903, 12.496, 60, 4.3, 6),
        ("Milan", "IT", 45.464, 9.190, 60, 3.2, 3),
        ("Naples", "IT", 40.852, 14.268, 60, 3.0, 2),
        ("Turin", "IT", 45.070, 7.687, 60, 1.7, 1),
        ("Venice", "IT", 45.440, 12.316, 60, 0.3, 4),
        ("Amsterdam", "NL", 52.368, 4.904, 60, 2.5, 5),
        ("Rotterdam", "NL", 51.924, 4.478, 60, 1.0, 1),
        ("Brussels", "BE", 50.850, 4.352, 60, 2.1, 2),
        ("Antwerp", "BE", 51.219, 4.402, 60, 1.0, 1),
        ("Vienna", "AT", 48.208, 16.373, 60, 2.0, 4),
        ("Salzburg", "AT", 47.810, 13.055, 60, 0.2, 2),
        ("Lisbon", "PT", 38.722, -9.139, 0, 2.9, 5),
        ("Porto", "PT", 41.158, -8.629, 0, 1.7, 3),
        ("Dublin", "IE", 53.350, -6.260, 0, 1.4, 3),
        ("Helsinki", "FI", 60.170, 24.938, 120, 1.3, 1),
        ("Athens", "GR", 37.984, 23.728, 120, 3.2, 4),
        ("Luxembourg", "LU", 49.612, 6.130, 60, 0.3, 0.5),
        ("Ljubljana", "SI", 46.057, 14.506, 60, 0.3, 1),
        ("Bratislava", "SK", 48.149, 17.107, 60, 0.4, 0.5),
        ("Tallinn", "EE", 59.437, 24.754, 120, 0.4, 1),
        ("Riga", "LV", 56.950, 24.105, 120, 0.6, 1),
        ("Vilnius", "LT", 54.687, 25.280, 120, 0.6, 1),
        ("Zagreb", "HR", 45.815, 15.982, 60, 0.8, 1),
        ("Split", "HR", 43.508, 16.440, 60, 0.2, 3),
        ("Valletta", "MT", 35.899, 14.514, 60, 0.4, 2),
        ("London", "GB", 51.507, -0.128, 0, 9.5, 9),
        ("Manchester", "GB", 53.481, -2.243, 0, 2.8, 1),
        ("Birmingham", "GB", 52.486, -1.890, 0, 2.6, 0.5),
        ("Edinburgh", "GB", 55.953, -3.189, 0, 0.9, 2),
        ("Zurich", "CH", 47.377, 8.541, 60, 1.4, 2),
        ("Geneva", "CH", 46.204, 6.143, 60, 0.6, 1.5),

        // Destinations only.
        ("Reykjavik", "IS", 64.147, -21.942, 0, 0, 1),
        ("Oslo", "NO", 59.914, 10.752, 60, 0, 1),
        ("Stockholm", "SE", 59.329, 18.069, 60, 0, 1.5),
        ("Copenhagen", "DK", 55.676, 12.568, 60, 0, 2),
        ("Warsaw", "PL", 52.230, 21.012, 60, 0, 1.5),
        ("Krakow", "PL", 50.065, 19.945, 60, 0, 2),
        ("Prague", "CZ", 50.076, 14.438, 60, 0, 3),
        ("Budapest", "HU", 47.498, 19.040, 60, 0, 2.5),
        ("Bucharest", "RO", 44.426, 26.103, 120, 0, 1),
        ("Sofia", "BG", 42.698, 23.322, 120, 0, 0.8),
        ("Belgrade", "RS", 44.787, 20.457, 60, 0, 0.5),
        ("Istanbul", "TR", 41.008, 28.978, 180, 0, 4),
        ("Antalya", "TR", 36.897, 30.713, 180, 0, 3),
        ("Tbilisi", "GE", 41.716, 44.783, 240, 0, 0.5),
        ("Tel Aviv", "IL", 32.085, 34.782, 120, 0, 1),
        ("Cairo", "EG", 30.044, 31.236, 120, 0, 1),
        ("Hurghada", "EG", 27.258, 33.812, 120, 0, 2),
        ("Marrakesh", "MA", 31.629, -7.981, 60, 0, 2),
        ("Lagos", "NG", 6.524, 3.379, 60, 0, 0.3),
        ("Nairobi", "KE", -1.292, 36.822, 180, 0, 0.7),
        ("Johannesburg", "ZA", -26.204, 28.047, 120, 0, 0.5),
        ("Cape Town", "ZA", -33.925, 18.424, 120, 0, 1.5),
        ("Dubai", "AE", 25.205, 55.271, 240, 0, 3),
        ("Doha", "QA", 25.286, 51.533, 180, 0, 0.5),
        ("Male", "MV", 4.175, 73.509, 300, 0, 1),
        ("Delhi", "IN", 28.614, 77.209, 330, 0, 1),
        ("Mumbai", "IN", 19.076, 72.878, 330, 0, 1),
        ("Colombo", "LK", 6.927, 79.861, 330, 0, 0.5),
        ("Bangkok", "TH", 13.756, 100.502, 420, 0, 3),
        ("Phuket", "TH", 7.880, 98.392, 420, 0, 1.5),
        ("Hanoi", "VN", 21.028, 105.834, 420, 0, 1),
        ("Kuala Lumpur", "MY", 3.139, 101.687, 480, 0, 1),
        ("Singapore", "SG", 1.352, 103.820, 480, 0, 2),
        ("Denpasar", "ID", -8.670, 115.213, 480, 0, 2),
        ("Manila", "PH", 14.600, 120.984, 480, 0, 0.5),
        ("Hong Kong", "HK", 22.320, 114.169, 480, 0, 1.5),
        ("Shanghai", "CN", 31.230, 121.474, 480, 0, 1),
        ("Beijing", "CN", 39.904, 116.407, 480, 0, 1),
        ("Seoul", "KR", 37.567, 126.978, 540, 0, 1),
        ("Tokyo", "JP", 35.677, 139.650, 540, 0, 3),
        ("Sydney", "AU", -33.869, 151.209, 600, 0, 1.5),
        ("Melbourne", "AU", -37.814, 144.963, 600, 0, 1),
        ("Auckland", "NZ", -36.849, 174.763, 720, 0, 0.7),
        ("Honolulu", "US", 21.307, -157.858, -600, 0, 0.8),
        ("Vancouver", "CA", 49.283, -123.121, -480, 0, 1),
        ("San Francisco", "US", 37.775, -122.419, -480, 0, 2),
        ("Los Angeles", "US", 34.052, -118.244, -480, 0, 3),
        ("Chicago", "US", 41.878, -87.630, -360, 0, 1),
        ("Mexico City", "MX", 19.433, -99.133, -360, 0, 1.5),
        ("Cancun", "MX", 21.162, -86.851, -300, 0, 2),
        ("Havana", "CU", 23.113, -82.366, -300, 0, 0.5),
        ("Miami", "US", 25.762, -80.192, -300, 0, 2),
        ("Toronto", "CA", 43.653, -79.383, -300, 0, 1.5),
        ("Montreal", "CA", 45.502, -73.567, -300, 0, 1),
        ("New York", "US", 40.713, -74.006, -300, 0, 6),
        ("Bogota", "CO", 4.711, -74.072, -300, 0, 0.5),
        ("Lima", "PE", -12.046, -77.043, -300, 0, 0.5),
        ("Rio de Janeiro", "BR", -22.907, -43.173, -180, 0, 1.5),
        ("Sao Paulo", "BR", -23.551, -46.633, -180, 0, 1),
        ("Buenos Aires", "AR", -34.604, -58.382, -180, 0, 1),
    ]);

    private static City[] Build((string Name, string Country, double Lat, double Lon, int Offset, double Home, double Travel)[] rows)
    {
        var cities = new City[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var r = rows[i];
            cities[i] = new City(i, r.Name, r.Country, r.Lat, r.Lon, r.Offset, r.Home, r.Travel);
        }

        return cities;
    }
}
