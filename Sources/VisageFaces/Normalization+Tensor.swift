import VisageImaging
import VisageModels

/// How a model wants its pixels is manifest data (`Normalization`: channel order, mean, std);
/// `PlanarPixels` is how the tensor is written.
extension Normalization {
    var planar: PlanarPixels { PlanarPixels(bgr: colorOrder == .bgr, mean: mean, std: std) }
}
