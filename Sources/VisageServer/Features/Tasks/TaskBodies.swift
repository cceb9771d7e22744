import Foundation
import VisageCore
import VisageInput
import VisageTasks

/// `POST /analyze_image/`: `{"image_url": "...", "tasks": [...]}` (seed 001). Only a URL: the
/// upload endpoint takes files.
struct AnalyzeImageBody: ImageRequestBody {
    let imageURL: String
    let tasks: [AnalysisTask]

    enum Keys: String, CodingKey {
        case imageURL = "image_url"
        case tasks
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: FieldKey.self)
        guard let url = try fields.text("image_url"), !url.isEmpty else {
            throw VisageError(.invalidRequest, "image_url is required: an http or https URL of the image")
        }
        let container = try decoder.container(keyedBy: Keys.self)
        guard container.contains(.tasks) else { throw VisageError(.invalidRequest, "tasks is required: a list of tasks") }
        do {
            tasks = try container.decode([AnalysisTask].self, forKey: .tasks)
        } catch let error as DecodingError {
            throw VisageError(.invalidRequest, "tasks is not a list of tasks: \(TaskList.describe(error))")
        }
        try TaskList.validate(tasks)
        imageURL = url
    }
}

/// `POST /analyze_image_upload/`: multipart with the file `image_file` and the text field
/// `tasks_json`, a JSON array shaped as `tasks` above.
struct AnalyzeUploadBody: ImageRequestBody {
    let upload: ImageField.Upload
    let tasks: [AnalysisTask]

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: FieldKey.self)
        let uploads = ImageField(uploadsOf: decoder).uploads
        guard let file = uploads.first(where: { $0.field == "image_file" }) else {
            throw VisageError(.invalidRequest, "image_file is required: the image as a multipart/form-data file part")
        }
        guard uploads.count == 1 else {
            throw VisageError(.invalidRequest, "the form has \(uploads.count) files; send only image_file")
        }
        guard let json = try fields.text("tasks_json") else {
            throw VisageError(.invalidRequest, "tasks_json is required: the list of tasks as a JSON string")
        }
        tasks = try TaskList.decode(json: Data(json.utf8))
        upload = file
    }
}
