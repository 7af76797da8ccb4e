// The tests drive Linux peers (mosquitto, openssl, node) and check Unix file modes.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
