namespace AkkaFraud.Simulator.Internal;

/// <summary>A merchant. Shops and ATMs stand in a city (<see cref="City"/> set, located); online merchants and billers do not.</summary>
internal sealed record Merchant(string Id, string Name, Category Category, City? City, string Country, double Latitude, double Longitude);

/// <summary>
/// Cities and merchants: everything about the simulation that never changes once built. Depends only on the seed and
/// the merchant count.
/// </summary>
internal sealed class World
{
    private static readonly string[] Brands =
    [
        "Alder", "Amber", "Bellmont", "Birch", "Castell", "Cedar", "Corvo", "Delta", "Dorado", "Elm", "Ember", "Falcon",
        "Fjord", "Gala", "Granite", "Harbor", "Helios", "Indigo", "Iris", "Jasper", "Juniper", "Kestrel", "Kora",
        "Linden", "Lumen", "Maple", "Merlin", "Northgate", "Nova", "Olive", "Orchard", "Peregrine", "Pine", "Quill",
        "Riviera", "Rowan", "Sol", "Sterling", "Tamarind", "Terra", "Umber", "Vantage", "Vela", "Westbrook", "Willow",
        "Zephyr", "Müller & Söhne", "O'Brien's", "Léon", "Kühn", "L'Étoile", "García", "Rossi", "Smith & Co",
    ];

    /// <summary>
    /// Real merchant names carry anything printable; a few here are hostile on purpose, so that everything downstream
    /// that shows a merchant name is exercised with markup, quotes and scripts (they are valid data, shown escaped).
    /// </summary>
    private static readonly string[] HostileNames =
    [
        "<script>alert('xss')</script>",
        "Bob's \"Best\" Deals & More",
        "<img src=x onerror=alert(1)> Outlet",
        "Tom & Jerry's <b>Diner</b>",
        "'; DROP TABLE transactions; --",
        "Ünïcødé Störe ☕ 東京",
    ];

    private static readonly string[] OnlineCountries = ["IE", "LU", "NL", "DE", "GB", "US", "FR", "SE", "ES", "IT"];

    private const double HostileNameShare = 0.005;

    private readonly Merchant[]?[] _shopsByCityAndCategory;
    private readonly Merchant[][] _shopsByCity;
    private readonly Merchant[][] _byCategory;

    private World(IReadOnlyList<City> cities, Merchant[] merchants)
    {
        Cities = cities;
        var categories = Categories.All.Count;
        var shops = merchants.Where(m => m.City is not null).ToArray();
        var byCityAndCategory = shops.ToLookup(m => (m.City!.Index * categories) + m.Category.Index);
        var byCity = shops.ToLookup(m => m.City!.Index);
        var byCategory = merchants.ToLookup(m => m.Category.Index);
        _shopsByCityAndCategory = [.. Enumerable.Range(0, cities.Count * categories).Select(i => byCityAndCategory[i].ToArray() is { Length: > 0 } found ? found : null)];
        _shopsByCity = [.. cities.Select(c => byCity[c.Index].ToArray())];
        _byCategory = [.. Categories.All.Select(c => byCategory[c.Index].ToArray())];
    }

    public IReadOnlyList<City> Cities { get; }

    /// <summary>The cities accounts live in, by population.</summary>
    public Weighted<City> Homes { get; } = new(Internal.Cities.All.Select(c => (c, c.HomeWeight)));

    /// <summary>Destinations, by popularity.</summary>
    public Weighted<City> Destinations { get; } = new(Internal.Cities.All.Select(c => (c, c.TravelWeight)));

    /// <summary>
    /// Builds the merchants: one in a hundred billers, a fifth online, the rest shops and ATMs. Shops first go round the cities one
    /// category at a time (<see cref="Categories.Essentials"/>), so every city has an ATM, a grocer, a restaurant...
    /// before any city gets a second one; the rest follow popularity.
    /// </summary>
    public static World Create(int seed, int merchantCount)
    {
        var rng = Rng.For(seed, stream: 1);
        var cities = Internal.Cities.All;
        var billers = Math.Max(Categories.Bills.Items.Count, merchantCount / 100);
        var online = Math.Max(Categories.OnlineShopping.Items.Count, merchantCount / 5);
        var popular = new Weighted<City>(cities.Select(c => (c, c.HomeWeight + c.TravelWeight)));
        var merchants = new Merchant[merchantCount];
        for (var i = 0; i < merchantCount; i++)
        {
            Category category;
            City? city = null;
            if (i < billers)
            {
                category = Categories.Bills.Items[i % Categories.Bills.Items.Count];
            }
            else if (i < billers + online)
            {
                var j = i - billers;
                category = j < Categories.OnlineShopping.Items.Count ? Categories.OnlineShopping.Items[j] : Categories.OnlineShopping.Pick(rng);
            }
            else
            {
                var j = i - billers - online;
                if (j < cities.Count * Categories.Essentials.Count)
                {
                    city = cities[j % cities.Count];
                    category = Categories.Essentials[j / cities.Count];
                }
                else
                {
                    city = popular.Pick(rng);
                    category = rng.Chance(0.1) ? Categories.Atm
                        : city.HomeWeight > 0 && rng.Chance(0.6) ? Categories.HomeShopping.Pick(rng)
                        : Categories.TravelShopping.Pick(rng);
                }
            }

            merchants[i] = city is null
                ? new Merchant(Ids.Merchant(seed, i), Name(rng, category, null), category, null, rng.Pick(OnlineCountries), 0, 0)
                : Place(rng, Ids.Merchant(seed, i), category, city);
        }

        return new World(cities, merchants);
    }

    /// <summary>A shop of <paramref name="category"/> in <paramref name="city"/>, or null when the city has none.</summary>
    public Merchant? ShopIn(City city, Category category, Rng rng)
    {
        var shops = _shopsByCityAndCategory[(city.Index * Categories.All.Count) + category.Index];
        return shops is null ? null : shops[rng.Next(shops.Length)];
    }

    /// <summary>Any shop or ATM in <paramref name="city"/>, or null when the city has none (tiny merchant counts).</summary>
    public Merchant? AnyShopIn(City city, Rng rng)
    {
        var shops = _shopsByCity[city.Index];
        return shops.Length == 0 ? null : shops[rng.Next(shops.Length)];
    }

    public bool HasShops(City city) => _shopsByCity[city.Index].Length > 0;

    /// <summary>A merchant of an online or biller category (every such category has at least one).</summary>
    public Merchant Of(Category category, Rng rng)
    {
        var merchants = _byCategory[category.Index];
        return merchants[rng.Next(merchants.Length)];
    }

    private static Merchant Place(Rng rng, string id, Category category, City city)
    {
        // Uniform over a disc of 8 km around the centre: far below the 100 km a travel rule ignores.
        var km = 8 * Math.Sqrt(rng.NextDouble());
        var angle = 2 * Math.PI * rng.NextDouble();
        var latitude = city.Latitude + (km * Math.Cos(angle) / 111.0);
        var longitude = city.Longitude + (km * Math.Sin(angle) / (111.0 * Math.Cos(city.Latitude * Math.PI / 180)));
        return new Merchant(id, Name(rng, category, city), category, city, city.Country, Math.Round(latitude, 5), Math.Round(longitude, 5));
    }

    private static string Name(Rng rng, Category category, City? city)
    {
        if (rng.Chance(HostileNameShare))
        {
            return rng.Pick(HostileNames);
        }

        var brand = rng.Pick(Brands);
        var noun = rng.Pick(category.Nouns);
        return (rng.Next(4), city) switch
        {
            (0, not null) => $"{noun} {brand}",
            (1, not null) => $"{brand} {noun} {city.Name}",
            _ => $"{brand} {noun}",
        };
    }
}
