import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import type { ErrorStyle } from './error-response';
import type { HttpRequest } from './http';

type RouteConfig = { errorStyle?: ErrorStyle };

// Declares how the failures of a route (or of every route of a controller) are answered. It is
// kept in the Fastify route's own config, so it applies from the moment the route is matched:
// to a body the parser refuses as much as to an error of the handler.
export function RendersErrors(style: ErrorStyle): ClassDecorator & MethodDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const handlers = descriptor
      ? [descriptor.value as object]
      : Object.getOwnPropertyNames((target as { prototype: object }).prototype)
          .filter((name) => name !== 'constructor')
          .map((name) => (target as { prototype: Record<string, object> }).prototype[name]);
    for (const handler of handlers) {
      const config = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) ??
        {}) as RouteConfig;
      // A style declared on the method wins over the controller's.
      Reflect.defineMetadata(
        FASTIFY_ROUTE_CONFIG_METADATA,
        { errorStyle: style, ...config },
        handler,
      );
    }
  };
}

// The style the matched route declared; undefined when no route matched or it declared none.
export function errorStyleOf(request: HttpRequest): ErrorStyle | undefined {
  return (request.routeOptions?.config as RouteConfig | undefined)?.errorStyle;
}
