import Foundation

/// A structured XMP value (an RDF resource) read the same way whichever of RDF's equivalent
/// serialisations the writer chose. All of these describe one region name:
///
///     <rdf:li mwg-rs:Name="Ann"/>                                          (attribute)
///     <rdf:li rdf:parseType="Resource"><mwg-rs:Name>Ann</mwg-rs:Name></rdf:li>  (child element)
///     <rdf:li><rdf:Description mwg-rs:Name="Ann"/></rdf:li>                 (nested description)
///
/// ExifTool writes the second form, Adobe XMP Core and Exiv2 (digiKam) the first and third.
struct RDFResource {
    let element: XMLElementNode

    /// The elements whose attributes and children hold this resource's properties: the element
    /// itself and any `rdf:Description` directly inside it.
    private var holders: [XMLElementNode] {
        [element] + element.children(QualifiedName(XMPNamespace.rdf, "Description"))
    }

    /// A simple (text) property. For a language alternative (`rdf:Alt`) the x-default entry, else
    /// the first; for a list, its first item. Surrounding whitespace is dropped; empty is nil.
    func text(_ property: QualifiedName) -> String? {
        for holder in holders {
            if let value = holder.attributes[property] { return Self.nonEmpty(value) }
            if let child = holder.child(property) { return Self.literal(of: child) }
        }
        return nil
    }

    /// A structure property (for example `mwg-rs:Area`).
    func resource(_ property: QualifiedName) -> RDFResource? {
        for holder in holders {
            if let child = holder.child(property) { return RDFResource(element: child) }
        }
        return nil
    }

    /// The items of an array property (`rdf:Bag`, `rdf:Seq` or `rdf:Alt`), in document order.
    func items(_ property: QualifiedName) -> [RDFResource] {
        guard let child = resource(property)?.element else { return [] }
        guard let container = child.children.first(where: { Self.isContainer($0.name) }) else { return [] }
        return container.children(QualifiedName(XMPNamespace.rdf, "li")).map(RDFResource.init)
    }

    private static func isContainer(_ name: QualifiedName) -> Bool {
        name.namespace == XMPNamespace.rdf && ["Bag", "Seq", "Alt"].contains(name.local)
    }

    private static func literal(of element: XMLElementNode) -> String? {
        if let container = element.children.first(where: { isContainer($0.name) }) {
            let entries = container.children(QualifiedName(XMPNamespace.rdf, "li"))
            let preferred = entries.first { $0.attributes[QualifiedName(XMPNamespace.xml, "lang")] == "x-default" }
            return (preferred ?? entries.first).flatMap { nonEmpty($0.text) }
        }
        if let value = element.attributes[QualifiedName(XMPNamespace.rdf, "value")] ?? element.child(QualifiedName(XMPNamespace.rdf, "value"))?.text {
            return nonEmpty(value)
        }
        return nonEmpty(element.text)
    }

    private static func nonEmpty(_ value: String) -> String? {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}
