// The Herald module is the one import a user needs: the engine's modules come with it.
@_exported import HeraldChannels
@_exported import HeraldDelivery
@_exported import HeraldDocument
@_exported import HeraldMIME
@_exported import HeraldTemplates
