import ArgumentParser

@main
struct Visage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "visage",
        abstract: "Photo analysis and face recognition.",
        subcommands: [
            AnalyzeCommand.self, ServeCommand.self, ImportXMPCommand.self, ReclusterCommand.self, ReindexCommand.self,
            ModelsCommand.self, KeysCommand.self, MigrateCommand.self, ReferencesCommand.self, ClassifiersCommand.self, CheckCommand.self,
            RouteCommand.self,
            WatchCommand.self,
            ReviewCommand.self, BenchCommand.self, BenchSearchCommand.self, BenchFaceDatabaseCommand.self, BenchPeopleCommand.self,
            BenchRoutingCommand.self, BenchLibraryCommand.self, BenchTasksCommand.self, JobsCommand.self, WorkerCommand.self,
        ])
}
