/// Namespace URIs of the XMP vocabularies Visage reads. Prefixes (`mwg-rs:`, `MP:`, ...) are
/// only local aliases and differ between writers, so elements are always matched by URI.
enum XMPNamespace {
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let xml = "http://www.w3.org/XML/1998/namespace"

    /// Metadata Working Group regions (Regions, AppliedToDimensions, RegionList, Area, Name, Type).
    static let mwgRegions = "http://www.metadataworkinggroup.com/schemas/regions/"
    /// XMP structure types used by MWG regions.
    static let dimensions = "http://ns.adobe.com/xap/1.0/sType/Dimensions#"
    static let area = "http://ns.adobe.com/xmp/sType/Area#"

    /// Microsoft Photo (Windows Live Photo Gallery) people tags: MP:RegionInfo/MPRI:Regions.
    static let microsoftPhoto = "http://ns.microsoft.com/photo/1.2/"
    static let microsoftRegionInfo = "http://ns.microsoft.com/photo/1.2/t/RegionInfo#"
    static let microsoftRegion = "http://ns.microsoft.com/photo/1.2/t/Region#"

    /// tiff:Orientation, which sidecars written by ExifTool and Lightroom repeat.
    static let tiff = "http://ns.adobe.com/tiff/1.0/"
}
