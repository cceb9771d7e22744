import Foundation
import Testing
import VisageCore
import VisageStorage

/// Seed 003's reference store: what it hands back is what it keeps, its filters, its audit
/// trail written with each change, the rows it refuses, and that all of it survives reopening.
/// Runs against every backend in `StoreBackend.all`.
@Suite struct ReferenceStoreTests {
    static func face(_ name: String, _ embedding: [Float] = [0.6, 0.8], box: BoundingBox? = nil, quality: Double? = nil) -> NewReferenceFace {
        NewReferenceFace(
            personName: name, embedding: embedding, embeddingModel: "m", referenceImagePath: box == nil ? nil : "/photos/\(name).jpg",
            box: box, sourceFaceID: box == nil ? nil : 42, quality: quality)
    }

    /// Equal, with times compared to the millisecond (SQLite keeps no finer).
    static func same(_ a: ReferenceFace, _ b: ReferenceFace) -> Bool {
        var (a, b) = (a, b)
        guard abs(a.createdAt.timeIntervalSince(b.createdAt)) < 0.002, abs(a.updatedAt.timeIntervalSince(b.updatedAt)) < 0.002 else {
            return false
        }
        (a.createdAt, a.updatedAt) = (b.createdAt, b.updatedAt)
        return a == b
    }

    @Test(arguments: StoreBackend.all) func addedReferencesReadBackAndFilter(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.references()
        let box = BoundingBox(x: 10, y: 20, width: 30.5, height: 40.25)
        let added = try store.addReferences(
            [Self.face("Ada", [0.1, -0.2, 0.3], box: box, quality: 0.75), Self.face("Grace"), Self.face("Ada")], actor: "key-1")
        #expect(added.map(\.personName) == ["Ada", "Grace", "Ada"])
        #expect(added.map(\.id) == added.map(\.id).sorted() && Set(added.map(\.id)).count == 3)
        let first = try #require(added.first)
        #expect(first.embedding == [0.1, -0.2, 0.3] && first.embeddingModel == "m" && first.box == box)
        #expect(first.referenceImagePath == "/photos/Ada.jpg" && first.sourceFaceID == 42 && first.quality == 0.75)
        #expect(first.isActive && first.createdAt == first.updatedAt)
        #expect(added[1].box == nil && added[1].referenceImagePath == nil && added[1].sourceFaceID == nil && added[1].quality == nil)

        #expect(try store.references(personName: nil, activeOnly: false).map(\.id) == added.map(\.id))
        #expect(try store.references(personName: "Ada", activeOnly: true).map(\.id) == [added[0].id, added[2].id])
        #expect(try store.references(personName: "Nobody", activeOnly: false).isEmpty)
        let read = try #require(try store.reference(id: first.id))
        #expect(Self.same(read, first), "\(read) != \(first)")
        #expect(try store.reference(id: 999_999) == nil)
        #expect(try store.addReferences([], actor: nil).isEmpty)

        // One line per face, newest first, with the store's fixed document.
        let audit = try store.mediaAudit(limit: 10)
        #expect(audit.map(\.action) == ["reference_add", "reference_add", "reference_add"])
        #expect(audit.allSatisfy { $0.actor == "key-1" })
        #expect(audit.last?.detail == #"{"id":\#(first.id),"person_name":"Ada"}"#)
        #expect(try store.mediaAudit(limit: 1).map(\.id) == [audit[0].id])
    }

    @Test(arguments: StoreBackend.all) func deactivatingAndDeletingAreAudited(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.references()
        let added = try store.addReferences([Self.face("Ada"), Self.face("Ada")], actor: nil)
        let id = added[0].id

        let inactive = try #require(try store.setReferenceActive(id: id, false, actor: "cli"))
        #expect(!inactive.isActive && inactive.updatedAt >= inactive.createdAt && inactive.personName == "Ada")
        #expect(try store.references(personName: "Ada", activeOnly: true).map(\.id) == [added[1].id])
        #expect(try store.references(personName: "Ada", activeOnly: false).map(\.id) == added.map(\.id))
        #expect(try store.reference(id: id)?.isActive == false)
        #expect(try store.setReferenceActive(id: id, true, actor: "cli")?.isActive == true)
        #expect(try store.setReferenceActive(id: 999_999, false, actor: "cli") == nil)

        #expect(try store.deleteReference(id: id, actor: "cli"))
        #expect(try store.deleteReference(id: id, actor: "cli") == false)
        #expect(try store.reference(id: id) == nil)

        // Nothing is written for the unknown id or the second delete.
        let audit = try store.mediaAudit(limit: 10)
        #expect(audit.map(\.action) == ["reference_delete", "reference_update", "reference_update", "reference_add", "reference_add"])
        #expect(audit[2].detail == #"{"id":\#(id),"is_active":false,"person_name":"Ada"}"#)
        #expect(audit[0].actor == "cli" && audit[0].detail == #"{"id":\#(id),"person_name":"Ada"}"#)

        let line = try store.appendMediaAudit(action: "review_keep", actor: "key-2", detailJSON: #"{"file":"a.jpg"}"#)
        #expect(line.action == "review_keep" && line.actor == "key-2" && line.detail == #"{"file":"a.jpg"}"#)
        let newest = try #require(try store.mediaAudit(limit: 1).first)
        #expect(newest.id == line.id && newest.detail == line.detail && abs(newest.at.timeIntervalSince(line.at)) < 0.002)
    }

    /// The store refuses what no reference can be, with a stable code, and a batch holding one
    /// such face stores none of its faces and writes no audit line.
    @Test(arguments: StoreBackend.all) func impossibleReferencesAreRefusedWhole(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.references()
        var noModel = Self.face("Ada")
        noModel.embeddingModel = ""
        let refused = [
            Self.face(" Ada"), Self.face(""), Self.face(String(repeating: "a", count: 201)), Self.face("Ada", []),
            Self.face("Ada", box: BoundingBox(x: 0, y: 0, width: 1, height: 1), quality: 1.5), noModel,
        ]
        for bad in refused {
            let error = #expect(throws: VisageError.self, "\(bad.personName) \(bad.embedding)") {
                try store.addReferences([Self.face("Good"), bad], actor: nil)
            }
            #expect(error?.code == "store_failed")
        }
        #expect(try store.references(personName: nil, activeOnly: false).isEmpty)
        #expect(try store.mediaAudit(limit: 10).isEmpty)
    }

    @Test(arguments: StoreBackend.all) func referencesSurviveReopening(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let (added, audit): ([ReferenceFace], [MediaAuditEntry])
        do {
            let store = try database.references()
            let faces = try store.addReferences(
                [Self.face("Ada", box: BoundingBox(x: 1, y: 2, width: 3, height: 4), quality: 0.5), Self.face("Grace")], actor: "k")
            let inactive = try #require(try store.setReferenceActive(id: faces[1].id, false, actor: "k"))
            added = [faces[0], inactive]
            audit = try store.mediaAudit(limit: 10)
        }
        let reopened = try database.references()
        let read = try reopened.references(personName: nil, activeOnly: false)
        #expect(read.count == 2 && zip(read, added).allSatisfy { Self.same($0, $1) }, "\(read) != \(added)")
        let again = try reopened.mediaAudit(limit: 10)
        #expect(again.map(\.id) == audit.map(\.id) && again.map(\.detail) == audit.map(\.detail))
        // New rows continue after the old ones.
        let next = try reopened.addReferences([Self.face("Ada")], actor: nil)
        #expect(next[0].id > added.map(\.id).max()!)
    }
}
