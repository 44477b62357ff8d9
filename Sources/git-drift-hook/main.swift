import DriftKit
import Foundation

exit(GitDriftHook.run(Array(CommandLine.arguments.dropFirst())))
