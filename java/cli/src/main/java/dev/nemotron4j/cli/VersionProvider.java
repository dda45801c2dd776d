package dev.nemotron4j.cli;

import dev.nemotron4j.nativeapi.NativeModel;
import picocli.CommandLine;

/** {@code --version}: the Java package version and the native core's. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String java = Main.class.getPackage().getImplementationVersion();
        return new String[] {"nemotron4j " + (java == null ? "dev" : java), "native core " + NativeModel.nativeVersion()};
    }
}
