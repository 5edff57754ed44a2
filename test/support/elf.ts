export * from "../../tools/offline/release-fixture";
