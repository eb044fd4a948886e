# Build: compile the monorepo's one deployable.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

# Run: the compiled app and its production dependencies, as an unprivileged user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# --max-old-space-size: not a limit the app comes near, but V8 sizes the old generation's growth
# between full collections by it (README, "Memory").
CMD ["node", "--max-old-space-size=1024", "dist/apps/api/apps/api/src/main.js"]
