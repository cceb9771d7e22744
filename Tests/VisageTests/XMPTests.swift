import Foundation
import Testing
import VisageCore
import VisageImaging

@testable import VisageXMP

/// Face regions from XMP metadata (MWG and Microsoft), sidecars, EXIF orientation, the
/// exiftool-vendored request shape, and matching regions to detected faces.
@Suite struct XMPTests {
    static let folder = CLI.testdata.appendingPathComponent("xmp_face_regions")
    let reader = FaceRegionReader()

    static func path(_ relative: String) -> String { folder.appendingPathComponent(relative).path }

    /// Names compared scalar by scalar: Swift's `==` would hide an NFC/NFD change.
    static func scalars(_ names: [String?]) -> [[Unicode.Scalar]] { names.map { Array(($0 ?? "<nil>").unicodeScalars) } }

    // MARK: - Every file with regions

    struct Expectation: Sendable, CustomTestStringConvertible {
        let file: String
        let names: [String]
        var source: FaceRegion.Source? = .mwg
        var origin: String = "embedded"
        var testDescription: String { file }
    }

    static let curie = ["Marie Curie", "Pierre Curie"]
    static let squirrels = ["squirrel", "special_chars űáéúőóüío?._:"]
    static let orientationFolder = "exif-orientation-vs-face-regions/images/"

    static let expectations: [Expectation] =
        [
            Expectation(file: "immich/portrait.jpg", names: curie),
            Expectation(file: "immich/portrait-orientation-6.jpg", names: curie),
            Expectation(file: "exif-orientation-vs-face-regions/input/photo.jpg", names: curie),
        ]
        + [3, 6, 8].flatMap { orientation in
            [
                Expectation(file: "\(orientationFolder)photo.\(orientation).embedded.jpg", names: curie),
                Expectation(
                    file: "\(orientationFolder)photo.\(orientation).embedded_sidecar.jpg", names: curie,
                    origin: "photo.\(orientation).embedded_sidecar.jpg.xmp"),
                Expectation(
                    file: "\(orientationFolder)photo.\(orientation).sidecar.jpg", names: curie,
                    origin: "photo.\(orientation).sidecar.jpg.xmp"),
            ]
        } + [
            Expectation(file: "pigallery2/demo/IMG_5910.jpg", names: ["Alvin the Squirrel"], origin: "IMG_5910.jpg.xmp"),
            Expectation(file: "pigallery2/demo/IMG_6253.jpg", names: ["Alvin the Squirrel"]),
            Expectation(file: "pigallery2/demo/IMG_6297.jpg", names: ["Alvin the Squirrel"]),
            Expectation(file: "pigallery2/demo/IMG_9398-2.jpg", names: ["Balu the bear", "Boo-Boo Bear"]),
            Expectation(file: "pigallery2/demo/IMG_9516.jpg", names: ["Vuk the fox"]),
            Expectation(file: "pigallery2/demo/wild-1.jpg", names: ["Balu the bear", "Hugin the raven", "Akela the wolf"]),
            Expectation(file: "pigallery2/demo/wild-2.jpg", names: ["Boo-Boo Bear", "Balu the bear"]),
            Expectation(file: "pigallery2/demo/wild-3.jpg", names: ["Hugin the raven", "Balu the bear"]),
            Expectation(
                file: "pigallery2/test_assets/Chars.jpg",
                names: ["æÆøØåÅéÉüÜäÄöÖïÏñÑ", "abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz"]),
            Expectation(file: "pigallery2/test_assets/digikam.jpg", names: ["Æske Øllegård"]),
            Expectation(file: "pigallery2/test_assets/special_names.jpg", names: ["\"quoted \"@#$ name\" !@#$%^&*()_+"]),
            Expectation(file: "pigallery2/test_assets/test image öüóőúéáű-.,.jpg", names: squirrels),
            // The stem form of sidecar: testimagedesc1.jpg -> testimagedesc1.xmp.
            Expectation(
                file: "pigallery2/test_assets/sidecar/testimagedesc1.jpg", names: squirrels,
                origin: "testimagedesc1.xmp"),
            Expectation(file: "pigallery2/test_assets/png_with_faces_and_dates.png", names: ["raspberry", "leaf"]),
            Expectation(file: "pigallery2/test_assets/before_epoch.jpg", names: ["Bambi"]),
            // IPTC reference images: PersonInImage and IPTC ImageRegion only, no MWG or Microsoft regions.
        ]
        + [2014, 2016, 2017, 2019, 2021].map {
            Expectation(file: "iptc_reference_photoprism/iptc-\($0).jpg", names: [], source: nil, origin: "none")
        }

    @Test(arguments: expectations)
    func fileParsesWithExpectedNames(_ expected: Expectation) throws {
        let result = try reader.read(imageAt: Self.path(expected.file))
        #expect(result.problems.isEmpty, "\(result.problems)")
        #expect(
            Self.scalars(result.resolved.regions.map(\.name)) == Self.scalars(expected.names),
            "\(result.resolved.regions.map(\.name))")
        #expect(result.resolved.source == expected.source)
        switch result.origin {
        case .none: #expect(expected.origin == "none")
        case .embedded: #expect(expected.origin == "embedded")
        case .sidecar(let path): #expect((path as NSString).lastPathComponent == expected.origin)
        }
        for region in result.resolved.regions {
            #expect(region.width > 0 && region.width <= 1 && region.height > 0 && region.height <= 1)
            #expect((0...1).contains(region.centerX) && (0...1).contains(region.centerY))
        }
    }

    /// Sidecar-only files and sidecars kept away from their image, parsed directly.
    @Test func standaloneSidecarsParse() throws {
        func parse(_ relative: String) throws -> XMPRegions {
            try XMPRegions.parse(Data(contentsOf: URL(fileURLWithPath: Self.path(relative))))
        }
        let flat = try parse("pigallery2/test_assets/sidecar/flatxmp.xmp")
        #expect(flat.mwg.map(\.name) == ["Person1", "Person2"])
        #expect(flat.appliedTo == AppliedDimensions(width: 3144, height: 2288, unit: "pixel"))

        let chars = try parse("pigallery2/test_assets/sidecar/Chars.jpg.xmp")
        let charNames = ["æÆøØåÅéÉüÜäÄöÖïÏñÑ", "abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz"]
        #expect(Self.scalars(chars.mwg.map(\.name)) == Self.scalars(charNames))
        #expect(Self.scalars(chars.microsoft.map(\.name)) == Self.scalars(charNames))
        // Same rectangles in both schemas: MWG centre = Microsoft corner + half the size.
        for (mwg, microsoft) in zip(chars.mwg, chars.microsoft) {
            #expect(abs(mwg.centerX - microsoft.centerX) < 1e-6 && abs(mwg.centerY - microsoft.centerY) < 1e-6)
        }
        #expect(RegionSourcePolicy.resolve(chars).conflicts.isEmpty)

        // ExifTool's stress case: region 1's area is 8x8 with no unit (not normalised), region 2
        // has no area at all. Both are refused, with reasons, and nothing crashes.
        let stress = try parse("exiftool/XMP5.xmp")
        #expect(stress.mwg.isEmpty)
        #expect(stress.skipped.map(\.name) == ["Region 1", nil])
        #expect(stress.skipped.allSatisfy { !$0.reason.isEmpty })
    }

    // MARK: - Serialisations

    static func packet(_ body: String, namespaces: String = "") -> Data {
        Data(
            """
            <?xpacket begin='\u{FEFF}' id='W5M0MpCehiHzreSzNTczkc9d'?>
            <x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>
            <rdf:Description rdf:about='' \(namespaces)
              xmlns:mwg-rs='http://www.metadataworkinggroup.com/schemas/regions/'
              xmlns:stArea='http://ns.adobe.com/xmp/sType/Area#' xmlns:stDim='http://ns.adobe.com/xap/1.0/sType/Dimensions#'
              xmlns:MP='http://ns.microsoft.com/photo/1.2/' xmlns:MPRI='http://ns.microsoft.com/photo/1.2/t/RegionInfo#'
              xmlns:MPReg='http://ns.microsoft.com/photo/1.2/t/Region#'>
            \(body)
            </rdf:Description></rdf:RDF></x:xmpmeta>
            <?xpacket end='w'?>
            """.utf8)
    }

    @Test func attributeElementAndDescriptionFormsReadAlike() throws {
        let attributes = """
            <mwg-rs:Regions rdf:parseType='Resource'><mwg-rs:AppliedToDimensions stDim:w='400' stDim:h='300' stDim:unit='pixel'/>
            <mwg-rs:RegionList><rdf:Bag><rdf:li mwg-rs:Name='Ann' mwg-rs:Type='Face'>
            <mwg-rs:Area stArea:x='0.5' stArea:y='0.25' stArea:w='0.2' stArea:h='0.1' stArea:unit='normalized'/></rdf:li></rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>
            """
        let elements = """
            <mwg-rs:Regions rdf:parseType='Resource'><mwg-rs:AppliedToDimensions rdf:parseType='Resource'>
            <stDim:w>400</stDim:w><stDim:h>300</stDim:h><stDim:unit>pixel</stDim:unit></mwg-rs:AppliedToDimensions>
            <mwg-rs:RegionList><rdf:Bag><rdf:li rdf:parseType='Resource'><mwg-rs:Area rdf:parseType='Resource'>
            <stArea:x>0.5</stArea:x><stArea:y>0.25</stArea:y><stArea:w>0.2</stArea:w><stArea:h>0.1</stArea:h></mwg-rs:Area>
            <mwg-rs:Name>
              Ann
            </mwg-rs:Name><mwg-rs:Type>Face</mwg-rs:Type></rdf:li></rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>
            """
        let descriptions = """
            <mwg-rs:Regions><rdf:Description><mwg-rs:AppliedToDimensions><rdf:Description stDim:w='400' stDim:h='300' stDim:unit='pixel'/></mwg-rs:AppliedToDimensions>
            <mwg-rs:RegionList><rdf:Bag><rdf:li><rdf:Description mwg-rs:Type='Face'>
            <mwg-rs:Name><rdf:Alt><rdf:li xml:lang='de'>Anna</rdf:li><rdf:li xml:lang='x-default'>Ann</rdf:li></rdf:Alt></mwg-rs:Name>
            <mwg-rs:Area><rdf:Description stArea:x='200' stArea:y='75' stArea:w='80' stArea:h='30' stArea:unit='pixel'/></mwg-rs:Area>
            </rdf:Description></rdf:li></rdf:Bag></mwg-rs:RegionList></rdf:Description></mwg-rs:Regions>
            """
        let expected = FaceRegion(name: "Ann", centerX: 0.5, centerY: 0.25, width: 0.2, height: 0.1, source: .mwg)
        for body in [attributes, elements, descriptions] {
            let regions = try XMPRegions.parse(Self.packet(body))
            try #require(regions.mwg.count == 1, "\(regions)")
            let region = regions.mwg[0]
            #expect(region.name == expected.name)
            #expect(abs(region.centerX - 0.5) < 1e-9 && abs(region.centerY - 0.25) < 1e-9)
            #expect(abs(region.width - 0.2) < 1e-9 && abs(region.height - 0.1) < 1e-9)
            #expect(regions.appliedTo == AppliedDimensions(width: 400, height: 300, unit: "pixel"))
        }
    }

    @Test func namespacesMatchByURINotPrefix() throws {
        let packet = Data(
            """
            <x:xmpmeta xmlns:x='adobe:ns:meta/'><r:RDF xmlns:r='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>
            <r:Description xmlns:regions='http://www.metadataworkinggroup.com/schemas/regions/' xmlns:a='http://ns.adobe.com/xmp/sType/Area#'>
            <regions:Regions r:parseType='Resource'><regions:RegionList><r:Bag><r:li regions:Name='Bo'>
            <regions:Area a:x='0.3' a:y='0.4' a:w='0.1' a:h='0.1'/></r:li></r:Bag></regions:RegionList></regions:Regions>
            <mwg-rs:Regions xmlns:mwg-rs='urn:not-mwg'><mwg-rs:RegionList/></mwg-rs:Regions>
            </r:Description></r:RDF></x:xmpmeta>
            """.utf8)
        let regions = try XMPRegions.parse(packet)
        #expect(regions.mwg.map(\.name) == ["Bo"])
    }

    @Test func malformedAndPaddedPackets() throws {
        #expect(throws: VisageError.self) { try XMPRegions.parse(Data("<x:xmpmeta><rdf:RDF>".utf8)) }
        do { _ = try XMPRegions.parse(Data("<a><b></a>".utf8)) } catch let error as VisageError {
            #expect(error.code == "xmp_malformed")
        }
        var padded = Self.packet("<mwg-rs:Regions mwg-rs:x='1'/>")
        padded.append(contentsOf: [0, 0, 0])
        #expect(try XMPRegions.parse(padded).mwg.isEmpty)
        #expect(try XMPRegions.parse(Data("<empty/>".utf8)) == XMPRegions())
    }

    /// FoundationXML traps on a name, comment or processing instruction that is not UTF-8, and
    /// crashes on a processing instruction without data (the `xmp` fuzz target's finds) and on
    /// declarations in a DOCTYPE: such packets are refused first. UTF-16 packets parse, little-endian ones too (their last `>`
    /// ends in a zero byte, which the NUL padding trim used to take).
    @Test func packetsFoundationXMLCannotReadAreRefused() throws {
        let invalid: [[UInt8]] = [
            Array("<a><b c".utf8) + [0xFF] + Array("='1'/></a>".utf8),
            Array("<a><!-- ".utf8) + [0xFF] + Array(" --></a>".utf8),
            Array("<a><?p".utf8) + [0xFF] + Array(" x?></a>".utf8),
            Array("<a><?x?></a>".utf8),
            Array("<a><?<?x?></a>".utf8),
            Array("<!DOCTYPE a [<!NOTATION n SYSTEM 'x'>]><a/>".utf8),
            Array("<!DOCTYPE a [<!ATTLIST a b CDATA #IMPLIED>]><a/>".utf8),
            [0xFF, 0xFE] + Array("<a><?x?></a>".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] },
        ]
        for bytes in invalid {
            #expect {
                try XMPRegions.parse(Data(bytes))
            } throws: {
                ($0 as? VisageError)?.code == "xmp_malformed"
            }
        }
        let text = String(
            decoding: Self.packet("<mwg-rs:Regions rdf:parseType='Resource'>" + Self.annRegionList + "</mwg-rs:Regions>"), as: UTF8.self)
        for encoding: String.Encoding in [.utf16BigEndian, .utf16LittleEndian, .utf16] {
            let encoded = try #require(text.data(using: encoding))
            do {
                #expect(try XMPRegions.parse(encoded).mwg.map(\.name) == ["Ann"], "\(encoding)")
            } catch {
                Issue.record("\(encoding): \(error)")
            }
        }
    }

    static let annRegionList = """
        <mwg-rs:RegionList><rdf:Bag><rdf:li mwg-rs:Name='Ann' mwg-rs:Type='Face'>
        <mwg-rs:Area stArea:x='0.5' stArea:y='0.25' stArea:w='0.2' stArea:h='0.1'/></rdf:li></rdf:Bag></mwg-rs:RegionList>
        """

    @Test func nonFaceAndUnusableRegionsAreSkippedWithReasons() throws {
        let body = """
            <mwg-rs:Regions rdf:parseType='Resource'><mwg-rs:RegionList><rdf:Bag>
            <rdf:li mwg-rs:Name='Rex' mwg-rs:Type='Pet'><mwg-rs:Area stArea:x='0.5' stArea:y='0.5' stArea:w='0.1' stArea:h='0.1'/></rdf:li>
            <rdf:li mwg-rs:Name='Focus point' mwg-rs:Type='Focus'><mwg-rs:Area stArea:x='0.5' stArea:y='0.5'/></rdf:li>
            <rdf:li mwg-rs:Name='Nowhere' mwg-rs:Type='Face'><mwg-rs:Area stArea:x='3' stArea:y='0.5' stArea:w='0.1' stArea:h='0.1'/></rdf:li>
            <rdf:li mwg-rs:Name='Pixels' mwg-rs:Type='Face'><mwg-rs:Area stArea:x='10' stArea:y='10' stArea:w='4' stArea:h='4' stArea:unit='pixel'/></rdf:li>
            <rdf:li mwg-rs:Type='Face'><mwg-rs:Area stArea:x='0.1' stArea:y='0.1' stArea:w='0.1' stArea:h='0.1'/></rdf:li>
            </rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>
            """
        let regions = try XMPRegions.parse(Self.packet(body))
        #expect(regions.mwg.count == 1 && regions.mwg.first?.name == nil, "an unnamed face is still a face")
        #expect(regions.skipped.map(\.name) == ["Rex", "Focus point", "Nowhere", "Pixels"])
        #expect(regions.skipped[3].reason.contains("AppliedToDimensions"))
    }

    // MARK: - MWG versus Microsoft

    @Test func microsoftRegionsAreUsedOnlyWithoutMWG() throws {
        let body = """
            <MP:RegionInfo rdf:parseType='Resource'><MPRI:Regions><rdf:Bag>
            <rdf:li MPReg:PersonDisplayName='Cy' MPReg:Rectangle='0.1, 0.2, 0.3, 0.4'/>
            <rdf:li rdf:parseType='Resource'><MPReg:PersonDisplayName>Whole photo</MPReg:PersonDisplayName><MPReg:Rectangle>0, 0, 0, 0</MPReg:Rectangle></rdf:li>
            </rdf:Bag></MPRI:Regions></MP:RegionInfo>
            """
        let parsed = try XMPRegions.parse(Self.packet(body))
        #expect(parsed.microsoftNamesWithoutArea == ["Whole photo"])
        let resolved = RegionSourcePolicy.resolve(parsed)
        #expect(resolved.source == .microsoft)
        let region = try #require(resolved.regions.first)
        // Microsoft rectangles give the top-left corner; FaceRegion keeps the centre.
        #expect(abs(region.centerX - 0.25) < 1e-9 && abs(region.centerY - 0.4) < 1e-9)
        #expect(abs(region.left - 0.1) < 1e-9 && abs(region.top - 0.2) < 1e-9)
        #expect(resolved.conflicts.isEmpty, "no MWG regions, nothing to disagree with")
    }

    @Test func mwgWinsAndDisagreementsAreReported() throws {
        let body = """
            <mwg-rs:Regions rdf:parseType='Resource'><mwg-rs:RegionList><rdf:Bag>
            <rdf:li mwg-rs:Name='Dee' mwg-rs:Type='Face'><mwg-rs:Area stArea:x='0.25' stArea:y='0.25' stArea:w='0.1' stArea:h='0.1'/></rdf:li>
            <rdf:li mwg-rs:Name='Eve' mwg-rs:Type='Face'><mwg-rs:Area stArea:x='0.75' stArea:y='0.25' stArea:w='0.1' stArea:h='0.1'/></rdf:li>
            <rdf:li mwg-rs:Name='Fay' mwg-rs:Type='Face'><mwg-rs:Area stArea:x='0.5' stArea:y='0.75' stArea:w='0.1' stArea:h='0.1'/></rdf:li>
            <rdf:li mwg-rs:Name='Gus' mwg-rs:Type='Face'><mwg-rs:Area stArea:x='0.1' stArea:y='0.9' stArea:w='0.1' stArea:h='0.1'/></rdf:li>
            </rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>
            <MP:RegionInfo rdf:parseType='Resource'><MPRI:Regions><rdf:Bag>
            <rdf:li MPReg:PersonDisplayName='dee' MPReg:Rectangle='0.2, 0.2, 0.1, 0.1'/>
            <rdf:li MPReg:PersonDisplayName='Mallory' MPReg:Rectangle='0.70001, 0.2, 0.1, 0.1'/>
            <rdf:li MPReg:PersonDisplayName='Fay' MPReg:Rectangle='0.8, 0.8, 0.1, 0.1'/>
            <rdf:li MPReg:PersonDisplayName='Hal' MPReg:Rectangle='0.45, 0.45, 0.1, 0.1'/>
            <rdf:li MPReg:PersonDisplayName='Ivy'/>
            </rdf:Bag></MPRI:Regions></MP:RegionInfo>
            """
        let parsed = try XMPRegions.parse(Self.packet(body))
        let resolved = RegionSourcePolicy.resolve(parsed)
        #expect(resolved.source == .mwg)
        #expect(resolved.regions.map(\.name) == ["Dee", "Eve", "Fay", "Gus"])
        let conflicts = resolved.conflicts
        #expect(conflicts.count == 5, "\(conflicts)")
        // Dee/dee: same area, names equal apart from case: no conflict.
        #expect(conflicts[0] == .differentNames(mwg: parsed.mwg[1], microsoft: parsed.microsoft[1]))
        #expect(conflicts[1] == .differentAreas(mwg: parsed.mwg[2], microsoft: parsed.microsoft[2]))
        #expect(conflicts[2] == .onlyInMWG(parsed.mwg[3]))
        #expect(conflicts[3] == .onlyInMicrosoft(parsed.microsoft[3]))
        #expect(conflicts[4] == .microsoftNameWithoutArea("Ivy"))
        // Deterministic: the same packet gives the same answer, whatever the run.
        #expect(RegionSourcePolicy.resolve(try XMPRegions.parse(Self.packet(body))) == resolved)
    }

    /// digiKam wrote one MWG region but two Microsoft people tags, the second without a
    /// rectangle: MWG is used, the extra Microsoft name is reported.
    @Test func digikamDisagreementIsDeterministic() throws {
        let path = Self.path("pigallery2/test_assets/digikam.jpg")
        let first = try reader.read(imageAt: path), second = try reader.read(imageAt: path)
        #expect(first.resolved == second.resolved)
        #expect(first.resolved.regions.map(\.name) == ["Æske Øllegård"])
        #expect(first.resolved.conflicts == [.microsoftNameWithoutArea("æÆøØåÅéÉüÜäÄöÖïÏñÑ")])
    }

    /// The immich orientation-6 asset rotated its MWG regions into stored pixels but kept the
    /// Microsoft rectangles of the upright original: the two schemas disagree on every area.
    @Test func immichOrientationAssetHasMicrosoftRegionsInDisplayedSpace() throws {
        let result = try reader.read(imageAt: Self.path("immich/portrait-orientation-6.jpg"))
        #expect(result.resolved.conflicts.count == 2)
        #expect(
            result.resolved.conflicts.allSatisfy {
                if case .differentAreas = $0 { return true } else { return false }
            })
        let upright = try reader.read(imageAt: Self.path("immich/portrait.jpg"))
        #expect(upright.resolved.conflicts.isEmpty, "the upright original's MWG and Microsoft regions agree")
    }

    // MARK: - Orientation

    @Test func displayedRegionsFollowEveryOrientation() {
        let region = FaceRegion(name: "A", left: 0.1, top: 0.2, width: 0.3, height: 0.1, source: .mwg)
        for orientation in ExifOrientation.allCases {
            let mapped = region.displayed(orientation: orientation)
            // The four corners mapped one by one must span the mapped rectangle.
            let corners = [
                (region.left, region.top), (region.left + region.width, region.top),
                (region.left, region.top + region.height),
                (region.left + region.width, region.top + region.height),
            ]
            .map { orientation.displayedPoint(x: $0.0, y: $0.1, storedWidth: 1, storedHeight: 1) }
            let minX = corners.map(\.x).min()!, maxX = corners.map(\.x).max()!
            let minY = corners.map(\.y).min()!, maxY = corners.map(\.y).max()!
            #expect(abs(mapped.left - minX) < 1e-9 && abs(mapped.left + mapped.width - maxX) < 1e-9, "\(orientation)")
            #expect(abs(mapped.top - minY) < 1e-9 && abs(mapped.top + mapped.height - maxY) < 1e-9, "\(orientation)")
            #expect(mapped.name == "A" && mapped.source == .mwg)
        }
        // Orientation 6 (turn 90 degrees clockwise to display): stored top-left goes top-right.
        let right = region.displayed(orientation: .right)
        #expect(abs(right.centerX - 0.75) < 1e-9 && abs(right.centerY - 0.25) < 1e-9)
        #expect(right.width == 0.1 && right.height == 0.3)
    }

    /// The regions of every Curie file, mapped through the orientation the decoder applies, land
    /// on the faces the real detector finds, with the right name on the right face. Mapping the
    /// rotated files without their orientation must miss, or the check proves nothing.
    @Test func orientedRegionsLandOnDetectedFaces() throws {
        let files =
            [
                "exif-orientation-vs-face-regions/input/photo.jpg", "immich/portrait.jpg",
                "immich/portrait-orientation-6.jpg",
            ]
            + [3, 6, 8].flatMap { orientation in
                ["embedded", "embedded_sidecar", "sidecar"].map { "\(Self.orientationFolder)photo.\(orientation).\($0).jpg" }
            }
        let paths = files.map(Self.path)
        let lines = CLI.analyze(paths).jsonLines
        try #require(lines.count == files.count)

        var faceOf: [String: (Double, Double)] = [:]  // name -> normalised face centre in the upright reference
        for (file, line) in zip(files, lines) {
            let width = Double(try #require(line["width"] as? Int)), height = Double(try #require(line["height"] as? Int))
            let faces = FaceRecord.faces(line)
            try #require(faces.count == 2, "\(file): \(faces.count) faces")
            let result = try reader.read(imageAt: Self.path(file))
            #expect(line["orientation"] as? Int == result.header.orientation.rawValue)
            if file.hasSuffix(".sidecar.jpg") {
                // The orientation is only in the sidecar (tiff:Orientation); the pixels are shown
                // as stored, so the regions must not be turned either.
                #expect(result.header.orientation == .up)
                #expect(result.resolved.regions.isEmpty == false)
            }

            func landing(_ region: FaceRegion) -> FaceRecord? {
                faces.first { face in
                    let (x, y) = (region.centerX * width, region.centerY * height)
                    let inside =
                        x >= face.box[0] && x <= face.box[0] + face.box[2]
                        && y >= face.box[1] && y <= face.box[1] + face.box[3]
                    let distance = hypot(face.center.0 / width - region.centerX, face.center.1 / height - region.centerY)
                    return inside && distance < 0.05
                }
            }
            for region in result.displayedRegions {
                let face = try #require(landing(region), "\(file): \(region.name ?? "?") lands on no face")
                // Same person, same face in every file displayed upright (the *.sidecar.jpg files
                // are shown as stored, so their faces are elsewhere).
                guard !file.hasSuffix(".sidecar.jpg"), let name = region.name else { continue }
                let center = (face.center.0 / width, face.center.1 / height)
                if let known = faceOf[name] {
                    #expect(hypot(known.0 - center.0, known.1 - center.1) < 0.03, "\(file): \(name)")
                } else {
                    faceOf[name] = center
                }
            }
            if result.header.orientation != .up {
                #expect(!result.resolved.regions.allSatisfy { landing($0) != nil }, "\(file): regions land even without turning")
            }
        }
        #expect(faceOf.count == 2)
    }

    // MARK: - Sidecars

    @Test func sidecarCandidatesInDocumentedOrder() {
        let locator = SidecarLocator()
        #expect(locator.candidates(for: "/p/photo.jpg") == ["/p/photo.jpg.xmp", "/p/photo.jpg.XMP", "/p/photo.xmp", "/p/photo.XMP"])
        #expect(locator.candidates(for: "dir/noext") == ["dir/noext.xmp", "dir/noext.XMP"])
    }

    @Test func sidecarPrecedence() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("visage-xmp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let image = directory.appendingPathComponent("photo.jpg")
        try FileManager.default.copyItem(atPath: Self.path("immich/portrait.jpg"), toPath: image.path)
        func sidecar(_ name: String, _ body: String) throws {
            try Self.packet(body).write(to: directory.appendingPathComponent(name))
        }
        func region(_ name: String) -> String {
            """
            <mwg-rs:Regions rdf:parseType='Resource'><mwg-rs:RegionList><rdf:Bag><rdf:li mwg-rs:Name='\(name)' mwg-rs:Type='Face'>
            <mwg-rs:Area stArea:x='0.5' stArea:y='0.5' stArea:w='0.1' stArea:h='0.1'/></rdf:li></rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>
            """
        }

        var result = try reader.read(imageAt: image.path)
        #expect(result.origin == .embedded && result.sidecarPath == nil)
        #expect(result.resolved.regions.map(\.name) == Self.curie)

        // A sidecar without regions (ratings only) does not hide the embedded regions.
        try sidecar("photo.XMP", "<xmp:Rating xmlns:xmp='http://ns.adobe.com/xap/1.0/'>3</xmp:Rating>")
        result = try reader.read(imageAt: image.path)
        #expect(result.origin == .embedded && result.sidecarPath == directory.appendingPathComponent("photo.XMP").path)

        try sidecar("photo.xmp", region("Stem Sidecar"))
        result = try reader.read(imageAt: image.path)
        #expect(result.origin == .sidecar(path: directory.appendingPathComponent("photo.xmp").path))
        #expect(result.resolved.regions.map(\.name) == ["Stem Sidecar"])

        try sidecar("photo.jpg.xmp", region("Full Name Sidecar"))
        result = try reader.read(imageAt: image.path)
        #expect(result.resolved.regions.map(\.name) == ["Full Name Sidecar"])

        // A broken sidecar is reported and the embedded regions are used.
        try Data("<x:xmpmeta><rdf:RDF>".utf8).write(to: directory.appendingPathComponent("photo.jpg.xmp"))
        result = try reader.read(imageAt: image.path)
        #expect(result.origin == .embedded)
        #expect(result.problems.map(\.code) == ["xmp_malformed"])
        #expect(result.resolved.regions.map(\.name) == Self.curie)
    }

    @Test func embeddedPacketFromBytesAndFromFileAgree() throws {
        let path = Self.path("pigallery2/test_assets/png_with_faces_and_dates.png")
        let decoder = ImageDecoder()
        let fromFile = try #require(try decoder.xmpPacket(.file(path)))
        let fromBytes = try #require(try decoder.xmpPacket(.bytes(Data(contentsOf: URL(fileURLWithPath: path)))))
        #expect(fromFile == fromBytes)
        #expect(String(decoding: fromFile, as: UTF8.self).contains("mwg-rs:Regions"))
        #expect(try decoder.xmpPacket(.file(CLI.testdata.appendingPathComponent("faces_group/solvay_1927.jpg").path)) == nil)
        #expect(throws: VisageError.self) { try decoder.xmpPacket(.file(Self.path("exiftool/XMP5.xmp"))) }
    }

    /// libvips hands over the XMP of HEIF, WebP and TIFF too; real packets from those parse.
    @Test(arguments: [
        "formats/motionphoto/immich_samsung-one-ui-6.heic", "formats/webp/immich_denali.webp",
        "formats/tiff/photoprism_example.tif", "formats/tiff/tifftag-photoshop.tiff",
    ])
    func packetsFromOtherFormatsParse(_ relative: String) throws {
        let path = CLI.testdata.appendingPathComponent(relative).path
        let packet = try #require(try ImageDecoder().xmpPacket(.file(path)))
        #expect(String(decoding: packet, as: UTF8.self).contains("rdf:RDF"))
        let result = try reader.read(imageAt: path)
        #expect(result.problems.isEmpty, "\(result.problems)")
    }

    // MARK: - The request's xmp_regions

    @Test func seedRequestShapeDecodes() throws {
        let json = """
            {"AppliedToDimensions": {"H": 2160, "Unit": "pixel", "W": 2880},
             "RegionList": [
               {"Area": {"H": 0.0791667, "Unit": "normalized", "W": 0.0496528, "X": 0.673438, "Y": 0.477083},
                "Name": "John Doe", "Type": "Face"},
               {"Area": {"H": "0.1", "W": "0.1", "X": "0.2", "Y": "0.3"}, "Name": 2024, "Type": "Face", "Rotation": 0},
               {"Area": {"H": 0.1, "W": 0.1, "X": 0.5, "Y": 0.5}, "Name": "Rex", "Type": "Pet"}
             ]}
            """
        let info = try JSONDecoder().decode(ExiftoolRegionInfo.self, from: Data(json.utf8))
        let regions = info.xmpRegions
        #expect(regions.appliedTo == AppliedDimensions(width: 2880, height: 2160, unit: "pixel"))
        #expect(
            regions.mwg == [
                FaceRegion(name: "John Doe", centerX: 0.673438, centerY: 0.477083, width: 0.0496528, height: 0.0791667, source: .mwg),
                FaceRegion(name: "2024", centerX: 0.2, centerY: 0.3, width: 0.1, height: 0.1, source: .mwg),
            ])
        #expect(regions.skipped.map(\.name) == ["Rex"])

        let encoded = String(decoding: try JSONEncoder().encode(info), as: UTF8.self)
        for key in ["\"AppliedToDimensions\"", "\"RegionList\"", "\"Area\"", "\"Name\"", "\"X\"", "\"Unit\""] {
            #expect(encoded.contains(key), "\(key) in \(encoded)")
        }
        #expect(try JSONDecoder().decode(ExiftoolRegionInfo.self, from: Data("{}".utf8)).regionList.isEmpty)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ExiftoolRegionInfo.self, from: Data(#"{"RegionList": [{"Area": {"X": "left"}}]}"#.utf8))
        }
    }

    /// Numeric strings are plain decimal notation, the pattern openapi.json states: what the
    /// pattern allows decodes (clamped to a finite value), what it forbids is refused, including
    /// text Swift's `Double(_:)` would take.
    @Test func exiftoolNumericStringsFollowTheDocumentedPattern() throws {
        func x(_ text: String) throws -> Double? {
            let json = #"{"RegionList": [{"Area": {"X": "\#(text)"}}]}"#
            return try JSONDecoder().decode(ExiftoolRegionInfo.self, from: Data(json.utf8)).regionList.first?.area?.x
        }
        for (text, value) in [
            ("0.5", 0.5), (" .25 ", 0.25), ("+3.", 3.0), ("-1e-2", -0.01), ("99999999999999999999e99", 1e119),
            ("1e400", Double.greatestFiniteMagnitude), ("-1e400", -Double.greatestFiniteMagnitude),
        ] {
            #expect(try x(text) == value, "\(text)")
        }
        for text in ["nan", "inf", "0x1p3", "1e4000", "1e", ".", "", "1 2", "٣"] {
            #expect(throws: DecodingError.self, "\(text)") { try x(text) }
        }
    }

    // MARK: - Matching

    @Test func matcherPairsNearestWithinThreshold() throws {
        let regions = [
            FaceRegion(name: "Near", centerX: 0.30, centerY: 0.30, width: 0.1, height: 0.1, source: .mwg),
            FaceRegion(name: "Far", centerX: 0.90, centerY: 0.90, width: 0.1, height: 0.2, source: .mwg),
            FaceRegion(name: "Other", centerX: 0.36, centerY: 0.30, width: 0.1, height: 0.1, source: .mwg),
        ]
        // 1000 x 500 image. Face 0 centred at (0.31, 0.30); face 1 at (0.335, 0.30), between Near
        // (0.035 away) and Other (0.025); face 2 at (0.6, 0.6), more than 0.1 from everything.
        let faces = [
            BoundingBox(x: 290, y: 130, width: 40, height: 40),
            BoundingBox(x: 315, y: 130, width: 40, height: 40),
            BoundingBox(x: 580, y: 280, width: 40, height: 40),
        ]
        let matching = RegionMatcher().match(regions: regions, faces: faces, imageWidth: 1000, imageHeight: 500)
        #expect(matching.faces.map { $0?.name } == ["Near", "Other", nil])
        let near = try #require(matching.faces[0])
        #expect(abs(near.confidence - 0.9) < 1e-9, "distance 0.01 -> 1 - 0.01/0.1")
        #expect(near.matchStrategy == "centroid_distance" && near.matched)
        #expect(near.inputBox == [250, 125, 100, 50])
        #expect(near.centroid == [0.30, 0.30])
        #expect(abs(try #require(matching.faces[1]).confidence - 0.75) < 1e-9)
        #expect(matching.pairs.map(\.regionIndex) == [0, 2], "closest first")
        #expect(matching.unmatchedRegions.count == 1)
        let far = matching.unmatchedRegions[0]
        #expect(far.name == "Far")
        #expect(abs(far.x - 0.85) < 1e-9 && abs(far.y - 0.8) < 1e-9 && far.w == 0.1 && far.h == 0.2)
        #expect(far.centroid == [0.9, 0.9])

        // Two faces, one region: only the closer face gets it.
        let contested = RegionMatcher().match(regions: [regions[0]], faces: [faces[1], faces[0]], imageWidth: 1000, imageHeight: 500)
        #expect(contested.faces.map { $0?.name } == [nil, "Near"])
        // Exactly at the threshold still matches, with confidence 0; beyond it does not.
        let edge = FaceRegion(name: "Edge", centerX: 0.5, centerY: 0.5, width: 0.1, height: 0.1, source: .mwg)
        let atThreshold = BoundingBox(x: 580, y: 230, width: 40, height: 40)  // centre (0.6, 0.5)
        let beyond = BoundingBox(x: 581, y: 230, width: 40, height: 40)
        let edgeMatch = RegionMatcher().match(regions: [edge], faces: [atThreshold], imageWidth: 1000, imageHeight: 500)
        #expect(try #require(edgeMatch.faces[0]).confidence < 1e-9)
        #expect(RegionMatcher().match(regions: [edge], faces: [beyond], imageWidth: 1000, imageHeight: 500).faces[0] == nil)
    }

    @Test func matchJSONUsesTheContractKeys() throws {
        let match = InputFaceMatch(
            matched: true, name: "John Doe", confidence: 0.87, matchStrategy: RegionMatcher.strategy,
            inputBox: [100, 80, 200, 180], centroid: [0.5, 0.4])
        let encoder = JSONEncoder()
        let matchObject = try #require(try JSONSerialization.jsonObject(with: encoder.encode(match)) as? [String: Any])
        #expect(Set(matchObject.keys) == ["matched", "name", "confidence", "match_strategy", "input_bbox", "centroid"])
        #expect(matchObject["match_strategy"] as? String == "centroid_distance")
        #expect(matchObject["input_bbox"] as? [Double] == [100, 80, 200, 180])
        #expect(try JSONDecoder().decode(InputFaceMatch.self, from: encoder.encode(match)) == match)
        let unmatched = UnmatchedInputFace(FaceRegion(name: "Jane Smith", left: 0.25, top: 0.35, width: 0.10, height: 0.15, source: .mwg))
        let object = try #require(try JSONSerialization.jsonObject(with: encoder.encode(unmatched)) as? [String: Any])
        #expect(Set(object.keys) == ["name", "x", "y", "w", "h", "centroid"])
        let centroid = try #require(object["centroid"] as? [Double])
        #expect(abs(centroid[0] - 0.3) < 1e-9 && abs(centroid[1] - 0.425) < 1e-9, "the contract's example")
    }

    /// End to end on the Curie portrait in orientation 6: detected faces pick up the right names.
    @Test func detectedFacesGetTheirNames() throws {
        let path = Self.path("immich/portrait-orientation-6.jpg")
        let line = try #require(CLI.analyze([path]).jsonLines.first)
        let faces = FaceRecord.faces(line).map { BoundingBox(x: $0.box[0], y: $0.box[1], width: $0.box[2], height: $0.box[3]) }
        let result = try reader.read(imageAt: path)
        let matching = RegionMatcher().match(
            regions: result.displayedRegions, faces: faces,
            imageWidth: try #require(line["width"] as? Int),
            imageHeight: try #require(line["height"] as? Int))
        #expect(matching.unmatchedRegions.isEmpty)
        let named = zip(faces, matching.faces).compactMap { face, match in match.map { (face.center.x, $0.name) } }
        #expect(named.sorted { $0.0 < $1.0 }.map(\.1) == ["Marie Curie", "Pierre Curie"], "Marie is on the left")
        #expect(matching.faces.allSatisfy { ($0?.confidence ?? 0) > 0.5 })
    }

    // MARK: - name_mismatch

    @Test func nameMismatchFollowsTheContract() {
        #expect(nameMismatch(clusterName: "John", regionName: "John") == false)
        #expect(nameMismatch(clusterName: "John", regionName: "Mike") == true)
        #expect(nameMismatch(clusterName: nil, regionName: "John") == nil)
        #expect(nameMismatch(clusterName: "John", regionName: nil) == nil)
        #expect(nameMismatch(clusterName: nil, regionName: nil) == nil)
        #expect(nameMismatch(clusterName: "  ", regionName: "John") == nil)
        #expect(nameMismatch(clusterName: "john  doe ", regionName: "John Doe") == false)
        #expect(nameMismatch(clusterName: "Jos\u{E9}", regionName: "Jose\u{301}") == false, "NFC and NFD spell the same name")
        #expect(nameMismatch(clusterName: "José", regionName: "Jose") == true)
        #expect(nameMismatch(clusterName: "Æske Øllegård", regionName: "æske øllegård") == false)
    }
}
