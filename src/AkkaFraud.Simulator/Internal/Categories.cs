namespace AkkaFraud.Simulator.Internal;

internal enum MerchantKind
{
    /// <summary>A physical shop: card present, geo-located at the shop.</summary>
    Shop,

    /// <summary>A cash machine: card present, geo-located.</summary>
    Atm,

    /// <summary>An online merchant: card not present, no location (card networks carry none for e-commerce).</summary>
    Online,

    /// <summary>A company customers pay bills to from online banking.</summary>
    Biller,
}

/// <summary>
/// A merchant category (ISO 18245 MCC) with how much people typically spend there: log-normal around
/// <see cref="MedianEur"/> with spread <see cref="Sigma"/>, before the customer's own spending factor.
/// </summary>
internal sealed record Category(int Index, string Mcc, MerchantKind Kind, string[] Nouns, double MedianEur, double Sigma);

internal static class Categories
{
    private static readonly List<Category> Registry = [];

    public static readonly Category Grocery = Define("5411", MerchantKind.Shop, 38, 0.7, "Grocers", "Supermarket", "Markt", "Market", "Mercado", "Épicerie");
    public static readonly Category Restaurant = Define("5812", MerchantKind.Shop, 42, 0.5, "Bistro", "Trattoria", "Brasserie", "Kitchen", "Taverna", "Grill");
    public static readonly Category FastFood = Define("5814", MerchantKind.Shop, 11, 0.4, "Burger", "Kebab", "Noodle Bar", "Pizza", "Döner");
    public static readonly Category Bakery = Define("5499", MerchantKind.Shop, 5.5, 0.5, "Bakery", "Café", "Coffee", "Bäckerei", "Pâtisserie", "Panadería");
    public static readonly Category Fuel = Define("5541", MerchantKind.Shop, 60, 0.35, "Fuel", "Petrol", "Tankstelle", "Service Station");
    public static readonly Category Pharmacy = Define("5912", MerchantKind.Shop, 19, 0.7, "Pharmacy", "Apotheke", "Farmacia", "Chemist");
    public static readonly Category Clothing = Define("5651", MerchantKind.Shop, 65, 0.7, "Fashion", "Outfitters", "Boutique", "Moda");
    public static readonly Category Department = Define("5311", MerchantKind.Shop, 55, 0.8, "Department Store", "Galeries", "Kaufhaus");
    public static readonly Category Electronics = Define("5732", MerchantKind.Shop, 110, 1.0, "Electronics", "Tech", "Elektro");
    public static readonly Category Books = Define("5942", MerchantKind.Shop, 22, 0.5, "Books", "Buchhandlung", "Librairie");
    public static readonly Category Taxi = Define("4121", MerchantKind.Shop, 24, 0.5, "Taxi", "Cabs", "Rides");
    public static readonly Category Transit = Define("4111", MerchantKind.Shop, 3.2, 0.3, "Transit", "Metro", "Verkehrsbetriebe");
    public static readonly Category Parking = Define("7523", MerchantKind.Shop, 4.5, 0.5, "Parking", "Parkhaus");
    public static readonly Category Hotel = Define("7011", MerchantKind.Shop, 160, 0.6, "Hotel", "Inn", "Suites", "Hostel");
    public static readonly Category Bar = Define("5813", MerchantKind.Shop, 24, 0.6, "Bar", "Pub", "Taproom");
    public static readonly Category Furniture = Define("5712", MerchantKind.Shop, 400, 0.8, "Furniture", "Möbel", "Interiors");
    public static readonly Category CarDealer = Define("5511", MerchantKind.Shop, 900, 0.8, "Motors", "Autohaus", "Cars");
    public static readonly Category Jewelry = Define("5944", MerchantKind.Shop, 300, 0.9, "Jewellers", "Juwelier", "Bijouterie");
    public static readonly Category Atm = Define("6011", MerchantKind.Atm, 100, 0.6, "Bank ATM", "Cash Point", "Geldautomat");

    public static readonly Category Marketplace = Define("5999", MerchantKind.Online, 35, 0.9, "Marketplace", "Shop Online", "Direct");
    public static readonly Category DigitalMedia = Define("5815", MerchantKind.Online, 9, 0.8, "eBooks", "Music", "Audio");
    public static readonly Category Games = Define("5816", MerchantKind.Online, 15, 0.8, "Games", "Play", "Arcade");
    public static readonly Category Apps = Define("5817", MerchantKind.Online, 6, 0.7, "Apps", "Software", "Cloud");
    public static readonly Category MailOrder = Define("5964", MerchantKind.Online, 45, 0.7, "Catalogue", "Mail Order", "Home Shopping");
    public static readonly Category Streaming = Define("4899", MerchantKind.Online, 13, 0.3, "Stream", "TV", "Media");
    public static readonly Category Airline = Define("4511", MerchantKind.Online, 240, 0.6, "Airways", "Air", "Airlines");
    public static readonly Category TravelAgency = Define("4722", MerchantKind.Online, 700, 0.7, "Travel", "Holidays", "Reisen");
    public static readonly Category OnlineElectronics = Define("5732", MerchantKind.Online, 140, 1.0, "Tech Store", "Electronics Online", "Gadgets");
    public static readonly Category Charity = Define("8398", MerchantKind.Online, 25, 0.8, "Foundation", "Relief Fund", "Charity");

    public static readonly Category Utilities = Define("4900", MerchantKind.Biller, 90, 0.5, "Energy", "Stadtwerke", "Water");
    public static readonly Category Telecom = Define("4814", MerchantKind.Biller, 35, 0.4, "Telecom", "Mobile", "Broadband");
    public static readonly Category Insurance = Define("6300", MerchantKind.Biller, 70, 0.6, "Insurance", "Versicherung", "Assurance");

    public static IReadOnlyList<Category> All => Registry;

    /// <summary>Shopping at home, by share of card-present purchases.</summary>
    public static Weighted<Category> HomeShopping { get; } = new([
        (Grocery, 26), (Restaurant, 10), (FastFood, 10), (Bakery, 14), (Fuel, 7), (Pharmacy, 6), (Clothing, 5),
        (Department, 4), (Electronics, 2), (Books, 2), (Taxi, 2), (Transit, 6), (Parking, 3), (Bar, 3)]);

    /// <summary>Shopping away from home: more eating out, hotels and taxis.</summary>
    public static Weighted<Category> TravelShopping { get; } = new([
        (Restaurant, 22), (FastFood, 10), (Bakery, 12), (Grocery, 10), (Hotel, 10), (Taxi, 8), (Transit, 8), (Bar, 8),
        (Clothing, 4), (Pharmacy, 3), (Department, 3), (Books, 2)]);

    public static Weighted<Category> OnlineShopping { get; } = new([
        (Marketplace, 25), (Streaming, 10), (DigitalMedia, 8), (Games, 6), (Apps, 6), (MailOrder, 6), (OnlineElectronics, 6),
        (Airline, 4), (TravelAgency, 2), (Charity, 2)]);

    public static Weighted<Category> Bills { get; } = new([(Utilities, 4), (Telecom, 4), (Insurance, 2)]);

    /// <summary>The rare purchase far above everyday spending: furniture, a car deposit, jewellery, a holiday.</summary>
    public static Weighted<Category> BigTicket { get; } = new([
        (Furniture, 4), (CarDealer, 1), (Jewelry, 2), (Electronics, 3), (TravelAgency, 3), (OnlineElectronics, 2)]);

    /// <summary>The order in which every city gets one shop of each kind before the rest are spread by popularity.</summary>
    public static IReadOnlyList<Category> Essentials { get; } =
    [
        Atm, Grocery, Restaurant, Bakery, Hotel, FastFood, Taxi, Bar, Transit, Pharmacy, Fuel, Clothing, Department,
        Electronics, Books, Parking, Jewelry, Furniture, CarDealer,
    ];

    private static Category Define(string mcc, MerchantKind kind, double medianEur, double sigma, params string[] nouns)
    {
        var category = new Category(Registry.Count, mcc, kind, nouns, medianEur, sigma);
        Registry.Add(category);
        return category;
    }
}
