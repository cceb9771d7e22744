import Testing
import VisageCore
import VisageImaging

/// `save_annotated` drawing: boxes are exact pixel writes, labels are rendered text in a strip.
@Suite struct AnnotationTests {
    let grey: UInt8 = 128
    let red = FaceAnnotation.Color.red

    private func pixel(_ image: RGBImage, _ x: Int, _ y: Int) -> [UInt8] {
        let i = (y * image.width + x) * 3
        return Array(image.pixels[i..<i + 3])
    }

    private func rgb(_ c: FaceAnnotation.Color) -> [UInt8] { [c.red, c.green, c.blue] }

    @Test func drawsBoxOutlineAndLabelStripAbove() {
        let image = RGBImage(width: 1200, height: 900, fill: grey)
        let box = BoundingBox(x: 400, y: 300, width: 300, height: 360)  // pixels 400..<700, 300..<660
        let out = ImageAnnotator.annotate(image, with: [FaceAnnotation(box: box, label: "Æske Øllegård", color: red)])

        // Edges (the line is at least 2 px, drawn inward) take the colour.
        for (x, y) in [(400, 300), (401, 480), (400, 480), (699, 480), (698, 480), (550, 300), (550, 659), (699, 659)] {
            #expect(pixel(out, x, y) == rgb(red), "edge pixel \(x),\(y)")
        }
        // Well inside and outside the box stays untouched.
        for (x, y) in [(550, 480), (420, 480), (399, 480), (700, 480), (550, 660), (100, 100), (1100, 800)] {
            #expect(pixel(out, x, y) == [grey, grey, grey], "untouched pixel \(x),\(y)")
        }
        // The strip sits directly above the box's top-left corner, in the box colour...
        #expect(pixel(out, 400, 299) == rgb(red))
        // ...and holds both background and (white, for contrast on red) text pixels.
        var background = 0, text = 0
        for y in 240..<300 {
            for x in 400..<700 {
                let p = pixel(out, x, y)
                if p == rgb(red) { background += 1 }
                if p[1] > 200 && p[2] > 200 { text += 1 }
            }
        }
        #expect(background > 100)
        #expect(text > 20, "label text was not rendered (is fonts-dejavu-core installed?)")
    }

    @Test func boxPartlyOutsideIsClampedWithLabelInside() {
        let image = RGBImage(width: 400, height: 300, fill: grey)
        let box = BoundingBox(x: -50, y: -30, width: 200, height: 150)  // visible: 0..<150, 0..<120
        let out = ImageAnnotator.annotate(image, with: [FaceAnnotation(box: box, label: "Bo", color: red)])
        for (x, y) in [(0, 60), (1, 60), (149, 60), (75, 119), (0, 119), (149, 119)] {
            #expect(pixel(out, x, y) == rgb(red), "clamped edge pixel \(x),\(y)")
        }
        for (x, y) in [(75, 80), (150, 60), (75, 120), (300, 200)] {
            #expect(pixel(out, x, y) == [grey, grey, grey], "untouched pixel \(x),\(y)")
        }
        // No room above: the strip goes inside the top of the box, so just below the top edge
        // there is no grey, only strip colour and (white) text.
        var sawText = false
        for y in 2..<8 {
            for x in 2..<12 {
                let p = pixel(out, x, y)
                #expect(p != [grey, grey, grey], "strip pixel \(x),\(y)")
                sawText = sawText || (p[1] > 200 && p[2] > 200)
            }
        }
        #expect(sawText)
    }

    @Test func degenerateBoxesDoNotCrash() {
        let image = RGBImage(width: 64, height: 48, fill: grey)
        let outside = [
            BoundingBox(x: 100, y: 100, width: 10, height: 10),
            BoundingBox(x: -1e300, y: 0, width: 5, height: 5),
            BoundingBox(x: .nan, y: 0, width: 10, height: 10),
            BoundingBox(x: 0, y: 0, width: .infinity, height: 10),
            BoundingBox(x: 10, y: 10, width: -5, height: 5),
        ].map { FaceAnnotation(box: $0, label: "x") }
        #expect(ImageAnnotator.annotate(image, with: outside).pixels == image.pixels)

        // Huge box, a one-pixel box, and a long label at the right edge: drawn and clipped.
        let edgy = [
            FaceAnnotation(box: BoundingBox(x: -1e12, y: -1e12, width: 3e12, height: 3e12), label: "everything"),
            FaceAnnotation(box: BoundingBox(x: 30, y: 30, width: 0.5, height: 0.5)),
            FaceAnnotation(
                box: BoundingBox(x: 60, y: 20, width: 10, height: 10),
                label: String(repeating: "Æske Øllegård ", count: 10)),
        ]
        let out = ImageAnnotator.annotate(image, with: edgy)
        #expect(out.width == 64 && out.height == 48 && out.pixels.count == image.pixels.count)
        #expect(pixel(out, 30, 30) == rgb(.green))
    }

    @Test func emptyAnnotationListLeavesPixelsIdentical() {
        let image = RGBImage(width: 50, height: 40, pixels: (0..<(50 * 40 * 3)).map { UInt8($0 % 251) })
        #expect(ImageAnnotator.annotate(image, with: []).pixels == image.pixels)
    }

    @Test func textColourContrastsWithBox() {
        #expect(FaceAnnotation.Color.red.contrastingText == .white)
        #expect(FaceAnnotation.Color.yellow.contrastingText == .black)
        #expect(FaceAnnotation.Color.black.contrastingText == .white)
    }
}
