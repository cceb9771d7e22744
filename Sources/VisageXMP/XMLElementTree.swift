import Foundation
import VisageCore

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A namespace-qualified XML name. Attributes and elements are compared by namespace URI and
/// local name, never by prefix.
struct QualifiedName: Hashable, Sendable {
    let namespace: String
    let local: String

    init(_ namespace: String, _ local: String) {
        self.namespace = namespace
        self.local = local
    }
}

/// One XML element with namespace-resolved names, its attributes, children and text.
/// XMP packets are small (kilobytes), so a tree is simpler and safer to interpret than events.
struct XMLElementNode: Sendable {
    let name: QualifiedName
    var attributes: [QualifiedName: String] = [:]
    var children: [XMLElementNode] = []
    var text = ""

    func children(_ name: QualifiedName) -> [XMLElementNode] { children.filter { $0.name == name } }
    func child(_ name: QualifiedName) -> XMLElementNode? { children.first { $0.name == name } }

    /// Depth-first search for the first element called `name`, this one included.
    func first(_ name: QualifiedName) -> XMLElementNode? {
        if self.name == name { return self }
        for child in children {
            if let found = child.first(name) { return found }
        }
        return nil
    }
}

/// Parses XML into an `XMLElementNode` tree with FoundationXML's `XMLParser`.
///
/// `XMLParser` resolves element namespaces but hands attributes over keyed by their prefixed
/// name ("stArea:x"), so the builder tracks prefix declarations itself to resolve them.
enum XMLElementTree {
    static func parse(_ data: Data) throws -> XMLElementNode {
        try XMLInputScreen.check(data)
        let builder = Builder()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "no root element"
            throw VisageError(
                .xmpMalformed,
                "the XMP packet is not well-formed XML (line \(parser.lineNumber): \(reason))")
        }
        return root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var root: XMLElementNode?
        private var open: [XMLElementNode] = []
        /// Prefix -> URI stacks; the last entry of each is the binding in scope.
        private var prefixes: [String: [String]] = [:]

        func parser(_ parser: XMLParser, didStartMappingPrefix prefix: String, toURI namespaceURI: String) {
            prefixes[prefix, default: []].append(namespaceURI)
        }

        func parser(_ parser: XMLParser, didEndMappingPrefix prefix: String) {
            prefixes[prefix]?.removeLast()
        }

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
        ) {
            var node = XMLElementNode(name: QualifiedName(namespaceURI ?? "", elementName))
            for (key, value) in attributeDict {
                guard let name = resolveAttribute(key) else { continue }
                node.attributes[name] = value
            }
            open.append(node)
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
            qualifiedName qName: String?
        ) {
            guard let node = open.popLast() else { return }
            if open.isEmpty {
                root = node
            } else {
                open[open.count - 1].children.append(node)
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !open.isEmpty else { return }
            open[open.count - 1].text += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            guard !open.isEmpty else { return }
            open[open.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
        }

        /// "stArea:x" -> (Area namespace, "x"). Unprefixed attributes have no namespace (XML
        /// Namespaces 1.0, section 6.2); namespace declarations themselves are dropped.
        private func resolveAttribute(_ key: String) -> QualifiedName? {
            guard let colon = key.firstIndex(of: ":") else {
                return key == "xmlns" ? nil : QualifiedName("", key)
            }
            let prefix = String(key[..<colon]), local = String(key[key.index(after: colon)...])
            if prefix == "xmlns" { return nil }
            if prefix == "xml" { return QualifiedName(XMPNamespace.xml, local) }
            return QualifiedName(prefixes[prefix]?.last ?? prefix, local)
        }
    }
}
