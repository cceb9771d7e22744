/// A way in which a file's MWG and Microsoft regions disagree. Reported, never resolved by
/// guessing: the MWG regions are used regardless (see `RegionSourcePolicy`).
public enum RegionConflict: Sendable, Hashable {
    /// The same area (overlap of at least `RegionSourcePolicy.sameAreaOverlap`) is named
    /// differently.
    case differentNames(mwg: FaceRegion, microsoft: FaceRegion)
    /// The same name is on areas that do not overlap enough to be the same face.
    case differentAreas(mwg: FaceRegion, microsoft: FaceRegion)
    /// An MWG region with no Microsoft counterpart.
    case onlyInMWG(FaceRegion)
    /// A Microsoft region with no MWG counterpart; it is not used.
    case onlyInMicrosoft(FaceRegion)
    /// A Microsoft people tag with no rectangle whose name no MWG region carries.
    case microsoftNameWithoutArea(String)
}

/// The regions Visage uses for one image, after the source policy.
public struct ResolvedRegions: Sendable, Hashable {
    /// Regions relative to the stored image; see `displayed(_:orientation:)`.
    public var regions: [FaceRegion]
    /// The source the regions came from; nil when there are none.
    public var source: FaceRegion.Source?
    public var appliedTo: AppliedDimensions?
    /// Disagreements between MWG and Microsoft regions, when a file has both.
    public var conflicts: [RegionConflict]
    public var skipped: [SkippedRegion]

    public init(
        regions: [FaceRegion], source: FaceRegion.Source?, appliedTo: AppliedDimensions?,
        conflicts: [RegionConflict], skipped: [SkippedRegion]
    ) {
        self.regions = regions
        self.source = source
        self.appliedTo = appliedTo
        self.conflicts = conflicts
        self.skipped = skipped
    }
}

/// Which source wins when a file carries both MWG and Microsoft regions.
///
/// MWG wins: it is the newer, tool-neutral standard, it records the dimensions the regions were
/// drawn on, and tools that write both (digiKam, ExifToolGUI) read MWG first too. Microsoft
/// regions are used only when the file has no usable MWG region. Sources are never merged:
/// mixing rectangles from two writers would duplicate faces whose areas differ by rounding.
/// The outcome depends only on the packet, so it is deterministic.
public enum RegionSourcePolicy {
    /// Intersection over union above which an MWG and a Microsoft rectangle are the same face.
    /// Writers that store both round the same rectangle differently (6 decimals vs more), so
    /// real pairs overlap almost completely; 0.5 leaves room without pairing neighbours.
    public static let sameAreaOverlap = 0.5

    public static func resolve(_ regions: XMPRegions) -> ResolvedRegions {
        let useMWG = !regions.mwg.isEmpty
        let chosen = useMWG ? regions.mwg : regions.microsoft
        let hasMicrosoft = !regions.microsoft.isEmpty || !regions.microsoftNamesWithoutArea.isEmpty
        return ResolvedRegions(
            regions: chosen,
            source: chosen.isEmpty ? nil : (useMWG ? .mwg : .microsoft),
            appliedTo: regions.appliedTo,
            conflicts: useMWG && hasMicrosoft ? conflicts(regions) : [],
            skipped: regions.skipped)
    }

    /// Pairs MWG with Microsoft regions (first by area, best overlap first, then by name) and
    /// lists every difference, in MWG order, then Microsoft order.
    static func conflicts(_ regions: XMPRegions) -> [RegionConflict] {
        let mwg = regions.mwg, microsoft = regions.microsoft
        var partner = [Int?](repeating: nil, count: mwg.count)
        var taken = Set<Int>()

        var candidates: [(overlap: Double, mwg: Int, microsoft: Int)] = []
        for (i, a) in mwg.enumerated() {
            for (j, b) in microsoft.enumerated() {
                let overlap = a.overlap(b)
                if overlap >= sameAreaOverlap { candidates.append((overlap, i, j)) }
            }
        }
        candidates.sort { a, b in
            a.overlap != b.overlap ? a.overlap > b.overlap : (a.mwg, a.microsoft) < (b.mwg, b.microsoft)
        }
        for candidate in candidates where partner[candidate.mwg] == nil && !taken.contains(candidate.microsoft) {
            partner[candidate.mwg] = candidate.microsoft
            taken.insert(candidate.microsoft)
        }
        let pairedByArea = Set(partner.indices.filter { partner[$0] != nil })

        for i in mwg.indices where partner[i] == nil {
            let sameName = microsoft.indices.first {
                !taken.contains($0) && PersonName.same(mwg[i].name, microsoft[$0].name)
            }
            if let j = sameName {
                partner[i] = j
                taken.insert(j)
            }
        }

        var result: [RegionConflict] = []
        for (i, region) in mwg.enumerated() {
            guard let j = partner[i] else {
                result.append(.onlyInMWG(region))
                continue
            }
            if !pairedByArea.contains(i) {
                result.append(.differentAreas(mwg: region, microsoft: microsoft[j]))
            } else if !PersonName.same(region.name, microsoft[j].name) {
                result.append(.differentNames(mwg: region, microsoft: microsoft[j]))
            }
        }
        for (j, region) in microsoft.enumerated() where !taken.contains(j) {
            result.append(.onlyInMicrosoft(region))
        }
        for name in regions.microsoftNamesWithoutArea where !mwg.contains(where: { PersonName.same($0.name, name) }) {
            result.append(.microsoftNameWithoutArea(name))
        }
        return result
    }
}
